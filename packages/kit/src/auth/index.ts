// API authentication and tenants.
export { Authenticator, authShape, authenticatorFrom, readAuthenticator, type AuthSettings, type CallCredentials } from './authenticator.js';
export { ANONYMOUS_PRINCIPAL, ANONYMOUS_TENANT, TENANT_PATTERN, limitsOf, type Principal, type TenantLimits } from './tenants.js';
export { newToken, tokenDigest, TOKEN_PREFIX } from './tokens.js';
export { TokensFile, parseTokensFile, tokensFileSchema, type TokensFileContent } from './tokens-file.js';
export { looksLikeJwt } from './jwt.js';
