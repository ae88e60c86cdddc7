// `arbor token new`: makes a bearer token for a tenant, prints it once, and adds its digest to a tokens file
// (ARBOR_AUTH_TOKENS_FILE). The token itself is stored nowhere: lose it and make another.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ConfigError } from '@arbor/kit';
import { newToken, parseTokensFile, tokenDigest, TENANT_PATTERN, type TokensFileContent } from '@arbor/kit/auth';
import { parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

export const TOKEN_HELP = `Usage: arbor token new --tenant NAME [--file FILE] [--label TEXT] [--expires WHEN]

Makes a bearer token for a tenant and prints it on stdout, once; only its SHA-256 digest is kept.

  --tenant NAME     the tenant the token acts as (letters, digits and . _ @ -)
  --file FILE       the tokens file to add its digest to (made if missing); without it, the entry is printed
  --label TEXT      who or what holds the token, for people reading the file
  --expires WHEN    when it stops working: an ISO date-time, or a duration such as 12h, 30d
  -h, --help        show this help

Clients send it as the metadata "authorization: Bearer <token>" (arbor solve: ARBOR_API_TOKEN or --token-file).
`;

const FLAGS = {
  tenant: { type: 'string' },
  file: { type: 'string' },
  label: { type: 'string' },
  expires: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--expires` as an ISO date-time, from a duration (30d) or a date-time; never in the past. */
export function expiryOf(raw: string, now = Date.now()): string {
  const duration = /^(\d{1,6})([mhd])$/.exec(raw);
  const at = duration ? now + Number(duration[1]) * UNIT_MS[duration[2]!]! : Date.parse(raw);
  if (!Number.isFinite(at)) throw new UsageError(`--expires: expected an ISO date-time or a duration such as 30d, got "${raw}"`);
  if (at <= now) throw new UsageError('--expires: must be in the future');
  return new Date(at).toISOString();
}

function readTokensFile(path: string): TokensFileContent {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tenants: {} };
    throw new UsageError(`--file: cannot read "${path}"`);
  }
  try {
    return parseTokensFile(text, path);
  } catch (err) {
    throw new UsageError(err instanceof ConfigError ? err.message.replace(/^ARBOR_AUTH_TOKENS_FILE: /, '--file: ') : `--file: "${path}" is not a tokens file`);
  }
}

/** Writes the file whole, then renames it over the old one: a server reloading it never reads half a file. */
function writeTokensFile(path: string, content: TokensFileContent): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export async function tokenCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, FLAGS, true);
  if (values.help) {
    io.stdout.write(TOKEN_HELP);
    return 0;
  }
  if (positionals[0] !== 'new' || positionals.length > 1) throw new UsageError('expected: arbor token new --tenant NAME (see arbor token --help)');
  const tenant = values.tenant;
  if (tenant === undefined) throw new UsageError('--tenant: required');
  if (!TENANT_PATTERN.test(tenant)) throw new UsageError('--tenant: 1 to 64 letters, digits and . _ @ -, starting with a letter or digit');
  if (values.label !== undefined && values.label.length > 64) throw new UsageError('--label: at most 64 characters');
  const token = newToken();
  const entry = {
    sha256: tokenDigest(token),
    ...(values.label !== undefined && { label: values.label }),
    ...(values.expires !== undefined && { expires: expiryOf(values.expires) }),
  };
  if (values.file === undefined) {
    io.stderr.write(`Add this entry to tenants.${tenant}.tokens in the tokens file:\n${JSON.stringify(entry)}\n`);
  } else {
    const content = readTokensFile(values.file);
    const own = Object.hasOwn(content.tenants, tenant) ? content.tenants[tenant]! : { tokens: [] };
    content.tenants[tenant] = { ...own, tokens: [...own.tokens, entry] };
    writeTokensFile(values.file, content);
    io.stderr.write(`Added a token for tenant "${tenant}" to ${values.file}. It is shown once, below; keep it secret.\n`);
  }
  io.stdout.write(`${token}\n`);
  return 0;
}
