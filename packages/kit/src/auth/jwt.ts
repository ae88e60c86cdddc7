// JWT bearer tokens (from an OIDC provider, or any issuer with a JWKS), verified with `jose`: the signature
// against the JWKS, then issuer, audience and expiry. The tenant is one claim of the token.
import { readFileSync } from 'node:fs';
import { watchFileStatus, type FileWatch } from './file-watch.js';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import { UnauthenticatedError, UnavailableError } from '../errors.js';
import { TENANT_PATTERN } from './tenants.js';

export interface JwtSettings {
  /** A JWKS file, or the https URL of one (an OIDC provider's `jwks_uri`). */
  jwks: string;
  issuer: string;
  audience: string;
  /** The claim that names the tenant. */
  tenantClaim: string;
  reloadMs: number;
  logger: Logger;
}

/** Signature algorithms accepted: asymmetric only, so that holding the JWKS is never enough to mint a token. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function remoteKeys(url: URL): JWTVerifyGetKey {
  // Keys fetched in the clear could be swapped by anyone on the path; plain http only on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigError('ARBOR_AUTH_JWKS: a URL must be https (plain http only to localhost)');
  }
  return createRemoteJWKSet(url, { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
}

function fileKeys(path: string): JWTVerifyGetKey {
  try {
    return createLocalJWKSet(JSON.parse(readFileSync(path, 'utf8')) as Parameters<typeof createLocalJWKSet>[0]);
  } catch {
    throw new ConfigError(`ARBOR_AUTH_JWKS: "${path}" is not a readable JSON Web Key Set`);
  }
}

/** True for a bearer token shaped as a JWT (three base64url parts); Arbor's own tokens have no dot. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
}

export class JwtVerifier {
  private keys: JWTVerifyGetKey;
  private readonly file: string | undefined;
  private readonly watch: FileWatch | undefined;

  constructor(private readonly settings: JwtSettings) {
    const isUrl = /^[a-z]+:\/\//i.test(settings.jwks);
    this.file = isUrl ? undefined : settings.jwks;
    this.watch = this.file ? watchFileStatus(this.file, settings.reloadMs, this.onChange) : undefined;
    this.keys = isUrl ? remoteKeys(new URL(settings.jwks)) : fileKeys(settings.jwks);
  }

  private readonly onChange = (): void => {
    this.watch?.reading();
    try {
      this.keys = fileKeys(this.file!);
      this.settings.logger.info('JWKS file reloaded');
    } catch (err) {
      this.settings.logger.error({ reason: err instanceof Error ? err.message : String(err) }, 'JWKS file not reloaded; the last good one stays in force');
    }
  };

  /** The tenant the token names; UNAUTHENTICATED saying what is wrong with it, never quoting it. */
  async tenantOf(token: string): Promise<string> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new UnauthenticatedError('bearer token has expired');
      if (err instanceof errors.JWTClaimValidationFailed) throw new UnauthenticatedError(`bearer token: claim "${err.claim}" is not accepted here`);
      // The keys could not be had (the JWKS URL is down or slow): not the caller's fault, and worth a retry.
      if (err instanceof errors.JWKSTimeout || !(err instanceof errors.JOSEError)) {
        this.settings.logger.warn({ reason: err instanceof Error ? err.message : String(err) }, 'JWKS not available to verify a bearer token');
        throw new UnavailableError('bearer token cannot be verified now: the key set is not available; retry');
      }
      throw new UnauthenticatedError('bearer token is not valid');
    }
    const tenant = payload[this.settings.tenantClaim];
    if (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant)) {
      throw new UnauthenticatedError(`bearer token: claim "${this.settings.tenantClaim}" names no tenant`);
    }
    return tenant;
  }

  close(): void {
    this.watch?.stop();
  }
}
