// `arbor token new` as a user runs it: a token on stdout, its digest (never the token) in the tokens file, and
// one clear line with exit code 2 for every mistake.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseTokensFile, tokenDigest } from '@arbor/kit/auth';
import { expiryOf } from '../src/cli/token.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'arbor-token-'));

function arbor(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'token', ...args], { encoding: 'utf8', timeout: 30_000 });
}

describe('arbor token new', () => {
  it('prints a token once and keeps only its digest, adding to what the file holds', () => {
    const file = join(dir, 'tokens.json');
    writeFileSync(file, JSON.stringify({ defaultLimits: { maxConcurrentSearches: 4 }, tenants: { other: { tokens: [] } } }));
    const first = arbor('new', '--tenant', 'team-a', '--file', file, '--label', 'ci');
    expect(first.status).toBe(0);
    const second = arbor('new', '--tenant', 'team-a', '--file', file, '--expires', '2099-01-01T00:00:00Z');
    expect(second.status).toBe(0);
    const [a, b] = [first.stdout.trim(), second.stdout.trim()];
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(a);
    expect(text).not.toContain(b);
    const content = parseTokensFile(text, file);
    expect(content.defaultLimits).toEqual({ maxConcurrentSearches: 4 });
    expect(content.tenants.other).toEqual({ tokens: [] });
    expect(content.tenants['team-a']!.tokens).toEqual([
      { sha256: tokenDigest(a), label: 'ci' },
      { sha256: tokenDigest(b), expires: '2099-01-01T00:00:00.000Z' },
    ]);
    // Readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('without --file, prints the entry to add', () => {
    const made = arbor('new', '--tenant', 'solo');
    expect(made.status).toBe(0);
    expect(made.stderr).toContain(`{"sha256":"${tokenDigest(made.stdout.trim())}"}`);
  });

  it.each([
    [[], /^arbor: expected: arbor token new --tenant NAME/],
    [['new'], /^arbor: --tenant: required$/],
    [['new', '--tenant', 'has space'], /^arbor: --tenant: 1 to 64 letters/],
    [['new', '--tenant', 'a', '--expires', 'soon'], /^arbor: --expires: expected an ISO date-time or a duration such as 30d, got "soon"$/],
    [['new', '--tenant', 'a', '--expires', '2001-01-01'], /^arbor: --expires: must be in the future$/],
    [['new', '--tenant', 'a', '--bogus'], /^arbor: unknown option --bogus; see --help$/],
  ])('refuses %j with one line and exit code 2', (args, message) => {
    const result = arbor(...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim()).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('refuses to add to a file that is not a tokens file, leaving it as it was', () => {
    const file = join(dir, 'broken.json');
    writeFileSync(file, '{"tenants": {"a": {"tokens": [{"sha256": "nope"}]}}}');
    const result = arbor('new', '--tenant', 'a', '--file', file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^arbor: --file: ".*broken\.json": tenants\.a\.tokens\.0\.sha256: must be the 64 hex digits/);
    expect(readFileSync(file, 'utf8')).toBe('{"tenants": {"a": {"tokens": [{"sha256": "nope"}]}}}');
  });

  it('reads durations in minutes, hours and days', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(expiryOf('90m', now)).toBe('2026-01-01T01:30:00.000Z');
    expect(expiryOf('12h', now)).toBe('2026-01-01T12:00:00.000Z');
    expect(expiryOf('30d', now)).toBe('2026-01-31T00:00:00.000Z');
  });
});
