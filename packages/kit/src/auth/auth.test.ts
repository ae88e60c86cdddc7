import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config.js';
import { createLogger } from '../logger.js';
import { authenticatorFrom, readAuthenticator, type CallCredentials } from './authenticator.js';
import { looksLikeJwt } from './jwt.js';
import { parseTokensFile, TokensFile } from './tokens-file.js';
import { matchDigest, newToken, tokenDigest } from './tokens.js';

const silent = createLogger('test', { level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'arbor-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeJson(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const bearer = (token: string): CallCredentials => ({ authorization: `Bearer ${token}`, peerCertificate: undefined });

describe('tokens', () => {
  it('are random, prefixed, and matched by digest only', () => {
    const a = newToken();
    const b = newToken();
    expect(a).toMatch(/^arbor_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(tokenDigest(a)).toMatch(/^[0-9a-f]{64}$/);
    const digests = [b, a].map((t) => Buffer.from(tokenDigest(t), 'hex'));
    expect(matchDigest(a, digests)).toBe(1);
    expect(matchDigest(b, digests)).toBe(0);
    expect(matchDigest(`${a}x`, digests)).toBe(-1);
    expect(matchDigest(a, [])).toBe(-1);
  });

  it('tell JWTs from Arbor tokens', () => {
    expect(looksLikeJwt(newToken())).toBe(false);
    expect(looksLikeJwt('eyJhbGciOiJFUzI1NiJ9.eyJ0ZW5hbnQiOiJhIn0.c2ln')).toBe(true);
  });
});

describe('the tokens file', () => {
  it('names the place that is wrong, never a value', () => {
    expect(() => parseTokensFile('{', 'f.json')).toThrow(/^ARBOR_AUTH_TOKENS_FILE: "f.json" is not valid JSON$/);
    expect(() => parseTokensFile(JSON.stringify({ tenants: { a: { tokens: [{ sha256: 'secret-looking' }] } } }), 'f.json')).toThrow(
      /^ARBOR_AUTH_TOKENS_FILE: "f.json": tenants\.a\.tokens\.0\.sha256: must be the 64 hex digits of a SHA-256 digest$/,
    );
    expect(() => parseTokensFile(JSON.stringify({ tenants: { 'bad name': {} } }), 'f.json')).toThrow(/tenants\.bad name: tenant names are/);
    expect(() => parseTokensFile(JSON.stringify({ tenants: {}, defaultLimits: { maxTokens: -1 } }), 'f.json')).toThrow(/defaultLimits\.maxTokens/);
    expect(() => parseTokensFile(JSON.stringify({ tenants: {}, extra: 1 }), 'f.json')).toThrow(/the file: Unrecognized key/);
  });

  it('gives each tenant its limits over the defaults, and reloads when the file changes', async () => {
    const first = newToken();
    const second = newToken();
    const path = writeJson('reload.json', {
      defaultLimits: { maxConcurrentSearches: 2, maxTokens: 1000 },
      tenants: { a: { limits: { maxTokens: 50 }, tokens: [{ sha256: tokenDigest(first) }] } },
    });
    const file = new TokensFile(path, { reloadMs: 50, logger: silent });
    try {
      expect(file.lookup(first)).toEqual({ found: true, tenant: 'a', label: undefined, expired: false, limits: { maxConcurrentSearches: 2, maxTokens: 50 } });
      expect(file.lookup(second)).toEqual({ found: false });
      expect(file.limitsOf('someone-else')).toEqual({ maxConcurrentSearches: 2, maxTokens: 1000 });
      expect(file.limitsOf('constructor')).toEqual({ maxConcurrentSearches: 2, maxTokens: 1000 });
      writeJson('reload.json', { tenants: { b: { tokens: [{ sha256: tokenDigest(second), label: 'ci' }] } } });
      for (let i = 0; i < 100 && !file.lookup(second).found; i++) await new Promise((r) => setTimeout(r, 50));
      expect(file.lookup(second)).toMatchObject({ found: true, tenant: 'b', label: 'ci' });
      expect(file.lookup(first)).toEqual({ found: false });
      // A broken file keeps the last good one in force.
      writeFileSync(path, '{ not json');
      expect(file.reload()).toBe(false);
      expect(file.lookup(second)).toMatchObject({ found: true, tenant: 'b' });
    } finally {
      file.close();
    }
  });

  it('marks a token past its expiry', () => {
    const token = newToken();
    const path = writeJson('expiry.json', { tenants: { a: { tokens: [{ sha256: tokenDigest(token), expires: '2026-01-01T00:00:00Z' }] } } });
    const file = new TokensFile(path, { reloadMs: 60_000, logger: silent });
    try {
      expect(file.lookup(token, Date.parse('2025-12-31T23:59:59Z'))).toMatchObject({ found: true, expired: false });
      expect(file.lookup(token, Date.parse('2026-01-01T00:00:00Z'))).toMatchObject({ found: true, expired: true });
    } finally {
      file.close();
    }
  });
});

describe('the authenticator', () => {
  it('with nothing configured, makes every call the anonymous tenant', async () => {
    const auth = readAuthenticator({}, false, silent);
    expect(auth.required).toBe(false);
    expect(await auth.authenticate({ authorization: undefined, peerCertificate: undefined })).toEqual({ tenant: 'default', via: 'none', limits: {} });
  });

  it('with a tokens file: UNAUTHENTICATED for no, malformed, wrong and expired tokens, never quoting them', async () => {
    const good = newToken();
    const old = newToken();
    const path = writeJson('tokens.json', {
      tenants: {
        a: { limits: { searchesPerMinute: 10 }, tokens: [{ sha256: tokenDigest(good) }] },
        b: { tokens: [{ sha256: tokenDigest(old), expires: '2020-01-01T00:00:00Z' }] },
      },
    });
    const auth = readAuthenticator({ ARBOR_AUTH_TOKENS_FILE: path }, false, silent);
    try {
      expect(auth.methods).toEqual(['token']);
      expect(await auth.authenticate(bearer(good))).toEqual({ tenant: 'a', via: 'token', limits: { searchesPerMinute: 10 } });
      expect(await auth.authenticate({ authorization: `bearer   ${good}`, peerCertificate: undefined })).toMatchObject({ tenant: 'a' });
      const refusals: Array<[CallCredentials, RegExp]> = [
        [{ authorization: undefined, peerCertificate: undefined }, /^credentials required: send the metadata "authorization: Bearer <token>"$/],
        [{ authorization: `Basic ${good}`, peerCertificate: undefined }, /^authorization: expected "Bearer <token>"$/],
        [bearer('arbor_hunter2-SECRET'), /^bearer token is not valid$/],
        [bearer(old), /^bearer token has expired$/],
      ];
      for (const [credentials, message] of refusals) {
        const err = await auth.authenticate(credentials).then(() => undefined, (e: unknown) => e);
        expect(err).toMatchObject({ kind: 'unauthenticated' });
        expect((err as Error).message).toMatch(message);
        expect((err as Error).message).not.toContain('hunter2');
      }
    } finally {
      auth.close();
    }
  });

  it('with mutual TLS, takes the tenant from the client certificate CN, and a token over it', async () => {
    const token = newToken();
    const path = writeJson('cert.json', { defaultLimits: { maxTokens: 5 }, tenants: { t: { tokens: [{ sha256: tokenDigest(token) }] } } });
    const auth = readAuthenticator({ ARBOR_AUTH_TOKENS_FILE: path }, true, silent);
    const certificate = { subject: { CN: 'team-x' } } as unknown as CallCredentials['peerCertificate'];
    try {
      expect(await auth.authenticate({ authorization: undefined, peerCertificate: certificate })).toEqual({ tenant: 'team-x', via: 'certificate', limits: { maxTokens: 5 } });
      expect(await auth.authenticate({ authorization: `Bearer ${token}`, peerCertificate: certificate })).toMatchObject({ tenant: 't', via: 'token' });
      const unnamed = { subject: { O: 'no cn' } } as unknown as CallCredentials['peerCertificate'];
      await expect(auth.authenticate({ authorization: undefined, peerCertificate: unnamed })).rejects.toThrow(/^client certificate: its subject CN names no tenant/);
    } finally {
      auth.close();
    }
    // Without mutual TLS a certificate means nothing (nobody verified it), and nothing is asked for.
    expect(readAuthenticator({ ARBOR_AUTH_CLIENT_CERT: 'false' }, true, silent).required).toBe(false);
  });

  it('refuses settings that do not fit', () => {
    expect(() => readAuthenticator({ ARBOR_AUTH_TOKENS_FILE: join(dir, 'missing.json') }, false, silent)).toThrow(ConfigError);
    expect(() => readAuthenticator({ ARBOR_AUTH_JWKS: join(dir, 'tokens.json') }, false, silent)).toThrow(/^ARBOR_AUTH_JWT_ISSUER: required with ARBOR_AUTH_JWKS$/);
    expect(() => readAuthenticator({ ARBOR_AUTH_JWT_ISSUER: 'x' }, false, silent)).toThrow(/^ARBOR_AUTH_JWKS: required/);
    expect(() =>
      readAuthenticator({ ARBOR_AUTH_JWKS: 'http://keys.example.com/jwks.json', ARBOR_AUTH_JWT_ISSUER: 'i', ARBOR_AUTH_JWT_AUDIENCE: 'a' }, false, silent),
    ).toThrow(/^ARBOR_AUTH_JWKS: a URL must be https/);
  });
});

describe('JWT bearer tokens', () => {
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;
  let jwk: JWK;
  let server: Server;
  let jwksUrl: string;

  beforeAll(async () => {
    ({ privateKey, publicKey: jwk } = await generateKeyPair('ES256').then(async (pair) => ({ privateKey: pair.privateKey, publicKey: await exportJWK(pair.publicKey) })));
    jwk = { ...jwk, kid: 'k1', alg: 'ES256', use: 'sig' };
    otherKey = (await generateKeyPair('ES256')).privateKey;
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as { port: number };
    jwksUrl = `http://127.0.0.1:${address.port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function sign(claims: Record<string, unknown>, options: { key?: CryptoKey; expiresIn?: string; issuer?: string; audience?: string } = {}): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(options.issuer ?? 'https://idp.test')
      .setAudience(options.audience ?? 'arbor')
      .setIssuedAt()
      .setExpirationTime(options.expiresIn ?? '5m')
      .sign(options.key ?? privateKey);
  }

  it.each(['file', 'url'])('are verified against a JWKS %s: signature, issuer, audience, expiry and the tenant claim', async (source) => {
    const jwks = source === 'file' ? writeJson('jwks.json', { keys: [jwk] }) : jwksUrl;
    const auth = authenticatorFrom(
      {
        ARBOR_AUTH_TOKENS_FILE: '',
        ARBOR_AUTH_JWKS: jwks,
        ARBOR_AUTH_JWT_ISSUER: 'https://idp.test',
        ARBOR_AUTH_JWT_AUDIENCE: 'arbor',
        ARBOR_AUTH_JWT_TENANT_CLAIM: 'tenant',
        ARBOR_AUTH_CLIENT_CERT: true,
        ARBOR_AUTH_RELOAD_MS: 60_000,
      },
      false,
      silent,
    );
    try {
      expect(await auth.authenticate(bearer(await sign({ tenant: 'team-j' })))).toEqual({ tenant: 'team-j', via: 'jwt', limits: {} });
      const cases: Array<[Promise<string>, RegExp]> = [
        [sign({ tenant: 'team-j' }, { expiresIn: '-1m' }), /^bearer token has expired$/],
        [sign({ tenant: 'team-j' }, { key: otherKey }), /^bearer token is not valid$/],
        [sign({ tenant: 'team-j' }, { issuer: 'https://evil.test' }), /^bearer token: claim "iss" is not accepted here$/],
        [sign({ tenant: 'team-j' }, { audience: 'someone-else' }), /^bearer token: claim "aud" is not accepted here$/],
        [sign({ sub: 'x' }), /^bearer token: claim "tenant" names no tenant$/],
        [sign({ tenant: 'no spaces allowed' }), /^bearer token: claim "tenant" names no tenant$/],
      ];
      for (const [token, message] of cases) {
        await expect(auth.authenticate(bearer(await token))).rejects.toMatchObject({ kind: 'unauthenticated', message: expect.stringMatching(message) });
      }
    } finally {
      auth.close();
    }
  });
});
