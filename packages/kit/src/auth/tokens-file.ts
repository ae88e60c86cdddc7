// The tokens file (ARBOR_AUTH_TOKENS_FILE): tenants, the digests of their bearer tokens, and their limits.
//
//   { "defaultLimits": { "maxConcurrentSearches": 8 },
//     "tenants": { "team-a": { "limits": { "searchesPerMinute": 60 },
//                              "tokens": [{ "sha256": "<hex>", "label": "ci", "expires": "2027-06-30T00:00:00Z" }] } } }
//
// It is read again whenever it changes (a Kubernetes Secret mounted as a volume changes in place), so tokens are
// added and revoked without a restart. A file that no longer parses is reported and the last good one kept.
import { readFileSync } from 'node:fs';
import { watchFileStatus, type FileWatch } from './file-watch.js';
import { ConfigError, z } from '../config.js';
import type { Logger } from '../logger.js';
import { tenantLimitsSchema, TENANT_PATTERN, limitsOf, type TenantLimits } from './tenants.js';
import { matchDigest } from './tokens.js';

const tokenEntrySchema = z
  .object({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be the 64 hex digits of a SHA-256 digest'),
    /** Who or what holds the token: for people reading the file, and for the log line when it is used. */
    label: z.string().max(64).optional(),
    expires: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

export const tokensFileSchema = z
  .object({
    defaultLimits: tenantLimitsSchema.optional(),
    tenants: z.record(
      z.string().regex(TENANT_PATTERN, 'tenant names are 1 to 64 letters, digits and . _ @ -, starting with a letter or digit'),
      z.object({ limits: tenantLimitsSchema.optional(), tokens: z.array(tokenEntrySchema).default([]) }).strict(),
    ),
  })
  .strict();

export type TokensFileContent = z.infer<typeof tokensFileSchema>;

/** One token's owner, in the same order as the digests. */
interface TokenOwner {
  tenant: string;
  label: string | undefined;
  /** Epoch ms; undefined: never. */
  expires: number | undefined;
}

interface Loaded {
  content: TokensFileContent;
  digests: Buffer[];
  owners: TokenOwner[];
}

export type TokenLookup =
  | { found: false }
  | { found: true; tenant: string; label: string | undefined; expired: boolean; limits: TenantLimits };

/** Parses the file's text; the error names the place in the file that is wrong, never a value in it. */
export function parseTokensFile(text: string, path: string): TokensFileContent {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`ARBOR_AUTH_TOKENS_FILE: "${path}" is not valid JSON`);
  }
  const parsed = tokensFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the file';
    // A bad tenant name is reported as "invalid key"; the reason is in the issue nested under it.
    const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
    throw new ConfigError(`ARBOR_AUTH_TOKENS_FILE: "${path}": ${where}: ${message}`);
  }
  return parsed.data;
}

function index(content: TokensFileContent): Loaded {
  const digests: Buffer[] = [];
  const owners: TokenOwner[] = [];
  for (const [tenant, entry] of Object.entries(content.tenants)) {
    for (const token of entry.tokens) {
      digests.push(Buffer.from(token.sha256, 'hex'));
      owners.push({ tenant, label: token.label, expires: token.expires === undefined ? undefined : Date.parse(token.expires) });
    }
  }
  return { content, digests, owners };
}

export interface TokensFileOptions {
  /** How often the file's status is checked for a change. */
  reloadMs: number;
  logger: Logger;
}

export class TokensFile {
  private loaded: Loaded;
  /** The reason the last reload failed, so that one broken file is reported once, not at every check. */
  private lastError: string | undefined;
  private readonly watch: FileWatch;

  constructor(
    readonly path: string,
    private readonly options: TokensFileOptions,
  ) {
    this.watch = watchFileStatus(path, options.reloadMs, () => this.reload());
    this.loaded = index(this.read());
  }

  private read(): TokensFileContent {
    this.watch.reading();
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      throw new ConfigError(`ARBOR_AUTH_TOKENS_FILE: cannot read "${this.path}"`);
    }
    return parseTokensFile(text, this.path);
  }

  /** Reads the file again; on failure keeps what it had and logs why (once per distinct failure). */
  reload(): boolean {
    try {
      this.loaded = index(this.read());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (reason !== this.lastError) this.options.logger.error({ reason }, 'tokens file not reloaded; the last good one stays in force');
      this.lastError = reason;
      return false;
    }
    if (this.lastError !== undefined) this.options.logger.info('tokens file reloaded');
    this.lastError = undefined;
    const tenants = Object.keys(this.loaded.content.tenants).length;
    this.options.logger.info({ tenants, tokens: this.loaded.digests.length }, 'tokens file loaded');
    return true;
  }

  /** The tenant whose token this is, if any. Constant time over the tokens the file holds. */
  lookup(token: string, now = Date.now()): TokenLookup {
    const { digests, owners } = this.loaded;
    const at = matchDigest(token, digests);
    if (at === -1) return { found: false };
    const owner = owners[at]!;
    return {
      found: true,
      tenant: owner.tenant,
      label: owner.label,
      expired: owner.expires !== undefined && owner.expires <= now,
      limits: this.limitsOf(owner.tenant),
    };
  }

  /** The limits of a tenant, whether it is in the file or established otherwise (a certificate, a JWT). */
  limitsOf(tenant: string): TenantLimits {
    const { content } = this.loaded;
    const own = Object.hasOwn(content.tenants, tenant) ? content.tenants[tenant]?.limits : undefined;
    return limitsOf(own, content.defaultLimits);
  }

  close(): void {
    this.watch.stop();
  }
}
