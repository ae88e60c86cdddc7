// The tree viewer's static files: the page at /ui (and /ui/) and its bundled script, styles and icon under
// /ui/assets/, all from memory (src/generated/ui-bundle.ts, built from ui/ by `npm run generate`). They are
// public: they hold no data; the page reads everything from /ui/api with the caller's token.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { UI_ASSETS, UI_INDEX_HTML, type UiAsset } from './generated/ui-bundle.js';

/** Nothing but the gateway's own origin: no inline script or style, no CDN, no framing. */
export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': UI_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** The page may change with every release: revalidated on each load (cheaply, by its ETag). */
const PAGE_CACHE = 'no-cache';
/** An asset's name holds its content's hash: a new bundle is a new name, so an old one never changes. */
const ASSET_CACHE = 'public, max-age=31536000, immutable';

interface Served {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  etag: string;
}

function served(body: string, contentType: string, cacheControl: string): Served {
  const bytes = Buffer.from(body, 'utf8');
  return { body: bytes, contentType, cacheControl, etag: `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"` };
}

function sendServed(request: FastifyRequest, reply: FastifyReply, file: Served): FastifyReply {
  reply.headers({ ...SECURITY_HEADERS, 'cache-control': file.cacheControl, etag: file.etag });
  const match = request.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) return reply.code(304).send();
  return reply.code(200).type(file.contentType).send(file.body);
}

export interface UiStaticOptions {
  /** The bundle to serve; the committed one by default (tests pass their own). */
  html?: string;
  assets?: readonly UiAsset[];
}

/** Registers GET (and HEAD) /ui, /ui/ and /ui/assets/<file> on the gateway's app. */
export function registerUiStatic(app: FastifyInstance, options: UiStaticOptions = {}): void {
  const page = served(options.html ?? UI_INDEX_HTML, 'text/html; charset=utf-8', PAGE_CACHE);
  const assets = new Map((options.assets ?? UI_ASSETS).map((asset) => [asset.path, served(asset.body, asset.contentType, ASSET_CACHE)]));

  for (const url of ['/ui', '/ui/']) app.get(url, (request, reply) => sendServed(request, reply, page));
  for (const [path, file] of assets) app.get(path, (request, reply) => sendServed(request, reply, file));
}
