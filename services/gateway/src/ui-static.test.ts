// The viewer's static files as the gateway serves them: the page at /ui and /ui/, its hashed assets, content
// types, a strict CSP, caching, and no token needed (they hold no data).
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_ASSETS } from './generated/ui-bundle.js';
import { UI_CONTENT_SECURITY_POLICY, registerUiStatic } from './ui-static.js';

describe('the viewer static files', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    registerUiStatic(app, {
      html: '<!doctype html><title>t</title><script src="/ui/assets/app.0123456789ab.js"></script>',
      assets: [{ path: '/ui/assets/app.0123456789ab.js', contentType: 'text/javascript; charset=utf-8', body: 'window.x = 1;' }],
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('serves the page at /ui and /ui/, revalidated on every load, under a CSP that allows only its own origin', async () => {
    for (const url of ['/ui', '/ui/']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toBe(UI_CONTENT_SECURITY_POLICY);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.body).toContain('<title>t</title>');
    }
    expect(UI_CONTENT_SECURITY_POLICY).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self';/);
    expect(UI_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|https?:/);
  });

  it('serves a hashed asset with its type, cached for good, and answers 304 to its ETag', async () => {
    const response = await app.inject({ method: 'GET', url: '/ui/assets/app.0123456789ab.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe('window.x = 1;');
    const etag = response.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.inject({ method: 'GET', url: '/ui/assets/app.0123456789ab.js', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const head = await app.inject({ method: 'HEAD', url: '/ui' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
  });

  it('knows no other asset', async () => {
    expect((await app.inject({ method: 'GET', url: '/ui/assets/app.ffffffffffff.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/ui/index.html' })).statusCode).toBe(404);
  });

  it('serves the committed bundle by default: the page and every asset it names', async () => {
    const real = Fastify();
    registerUiStatic(real);
    try {
      const page = await real.inject({ method: 'GET', url: '/ui' });
      expect(page.statusCode).toBe(200);
      for (const asset of UI_ASSETS) {
        expect(page.body).toContain(asset.path);
        const response = await real.inject({ method: 'GET', url: asset.path });
        expect(response.statusCode).toBe(200);
        expect(response.headers['content-type']).toBe(asset.contentType);
        expect(response.body).toBe(asset.body);
      }
    } finally {
      await real.close();
    }
  });
});
