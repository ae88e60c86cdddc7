// Who is calling: from a bearer token (Arbor's own, looked up in the tokens file, or a JWT checked against a
// JWKS) or from the client certificate of a mutual-TLS connection (its subject's CN names the tenant). A server
// with none of these configured asks for nothing: every call is the anonymous tenant, fine on one machine only.
import type { PeerCertificate } from 'node:tls';
import { ConfigError, env, readConfig, type EnvSource, type z } from '../config.js';
import { UnauthenticatedError } from '../errors.js';
import type { Logger } from '../logger.js';
import { JwtVerifier, looksLikeJwt } from './jwt.js';
import { ANONYMOUS_PRINCIPAL, TENANT_PATTERN, type Principal } from './tenants.js';
import { TokensFile } from './tokens-file.js';

export const authShape = {
  /** Tenants, the SHA-256 digests of their tokens, and their limits (see docs); re-read when it changes. */
  ARBOR_AUTH_TOKENS_FILE: env.string(''),
  /** A JWKS file or https URL: bearer JWTs signed by one of its keys are accepted. */
  ARBOR_AUTH_JWKS: env.string(''),
  ARBOR_AUTH_JWT_ISSUER: env.string(''),
  ARBOR_AUTH_JWT_AUDIENCE: env.string(''),
  /** The JWT claim that names the tenant. */
  ARBOR_AUTH_JWT_TENANT_CLAIM: env.string('tenant'),
  /** With mutual TLS (ARBOR_TLS_CLIENT_CA_FILE), the client certificate's subject CN names the tenant. */
  ARBOR_AUTH_CLIENT_CERT: env.boolean(true),
  ARBOR_AUTH_RELOAD_MS: env.integer(2_000, 100, 3_600_000),
};

export type AuthSettings = z.infer<z.ZodObject<typeof authShape>>;

/** What a call offers as credentials. */
export interface CallCredentials {
  /** The `authorization` metadata, if sent. */
  authorization: string | undefined;
  /** The verified client certificate of a mutual-TLS connection. */
  peerCertificate: PeerCertificate | undefined;
}

export interface AuthenticatorOptions {
  tokensFile?: TokensFile;
  jwt?: JwtVerifier;
  /** Client certificates name tenants (only meaningful when the server verifies them: mutual TLS). */
  clientCertificates: boolean;
}

const BEARER = /^bearer\s+(\S+)\s*$/i;

export class Authenticator {
  constructor(private readonly options: AuthenticatorOptions) {}

  /** False when no credential source is configured: every call is then the anonymous tenant. */
  get required(): boolean {
    return this.options.tokensFile !== undefined || this.options.jwt !== undefined || this.options.clientCertificates;
  }

  /** How callers may prove who they are, for the log line at start. */
  get methods(): string[] {
    const methods: string[] = [];
    if (this.options.tokensFile) methods.push('token');
    if (this.options.jwt) methods.push('jwt');
    if (this.options.clientCertificates) methods.push('client-certificate');
    return methods;
  }

  async authenticate(credentials: CallCredentials): Promise<Principal> {
    if (!this.required) return ANONYMOUS_PRINCIPAL;
    if (credentials.authorization !== undefined) return this.fromBearer(credentials.authorization);
    if (this.options.clientCertificates && credentials.peerCertificate) return this.fromCertificate(credentials.peerCertificate);
    throw new UnauthenticatedError(
      this.options.tokensFile || this.options.jwt
        ? 'credentials required: send the metadata "authorization: Bearer <token>"'
        : 'credentials required: connect with a client certificate',
    );
  }

  private async fromBearer(authorization: string): Promise<Principal> {
    const token = BEARER.exec(authorization)?.[1];
    if (!token) throw new UnauthenticatedError('authorization: expected "Bearer <token>"');
    const { tokensFile, jwt } = this.options;
    if (jwt && looksLikeJwt(token)) {
      const tenant = await jwt.tenantOf(token);
      return { tenant, via: 'jwt', limits: tokensFile?.limitsOf(tenant) ?? {} };
    }
    const found = tokensFile?.lookup(token);
    if (!found?.found) throw new UnauthenticatedError('bearer token is not valid');
    if (found.expired) throw new UnauthenticatedError('bearer token has expired');
    return { tenant: found.tenant, via: 'token', limits: found.limits };
  }

  private fromCertificate(certificate: PeerCertificate): Principal {
    const cn = certificate.subject?.CN;
    const tenant = Array.isArray(cn) ? undefined : cn;
    if (!tenant || !TENANT_PATTERN.test(tenant)) {
      throw new UnauthenticatedError('client certificate: its subject CN names no tenant (1 to 64 letters, digits and . _ @ -)');
    }
    return { tenant, via: 'certificate', limits: this.options.tokensFile?.limitsOf(tenant) ?? {} };
  }

  close(): void {
    this.options.tokensFile?.close();
    this.options.jwt?.close();
  }
}

/**
 * The authenticator of these settings. `mutualTls` says whether the server verifies client certificates
 * (ARBOR_TLS_CLIENT_CA_FILE set): only then may a certificate name a tenant.
 */
export function authenticatorFrom(settings: AuthSettings, mutualTls: boolean, logger: Logger): Authenticator {
  const reloadMs = settings.ARBOR_AUTH_RELOAD_MS;
  const tokensFile = settings.ARBOR_AUTH_TOKENS_FILE ? new TokensFile(settings.ARBOR_AUTH_TOKENS_FILE, { reloadMs, logger }) : undefined;
  let jwt: JwtVerifier | undefined;
  if (settings.ARBOR_AUTH_JWKS) {
    if (!settings.ARBOR_AUTH_JWT_ISSUER) throw new ConfigError('ARBOR_AUTH_JWT_ISSUER: required with ARBOR_AUTH_JWKS');
    if (!settings.ARBOR_AUTH_JWT_AUDIENCE) throw new ConfigError('ARBOR_AUTH_JWT_AUDIENCE: required with ARBOR_AUTH_JWKS');
    jwt = new JwtVerifier({
      jwks: settings.ARBOR_AUTH_JWKS,
      issuer: settings.ARBOR_AUTH_JWT_ISSUER,
      audience: settings.ARBOR_AUTH_JWT_AUDIENCE,
      tenantClaim: settings.ARBOR_AUTH_JWT_TENANT_CLAIM,
      reloadMs,
      logger,
    });
  } else if (settings.ARBOR_AUTH_JWT_ISSUER || settings.ARBOR_AUTH_JWT_AUDIENCE) {
    throw new ConfigError('ARBOR_AUTH_JWKS: required with ARBOR_AUTH_JWT_ISSUER and ARBOR_AUTH_JWT_AUDIENCE');
  }
  return new Authenticator({ ...(tokensFile && { tokensFile }), ...(jwt && { jwt }), clientCertificates: mutualTls && settings.ARBOR_AUTH_CLIENT_CERT });
}

export function readAuthenticator(source: EnvSource, mutualTls: boolean, logger: Logger): Authenticator {
  return authenticatorFrom(readConfig(authShape, source), mutualTls, logger);
}
