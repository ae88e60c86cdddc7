// The committed generated types must be exactly what the protos produce, and the protos must compile with
// plain protoc (the contract other languages will build against).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROTO_FILES, PROTO_ROOT, arborV1 } from '../src/index.js';
import packageJson from '../package.json' with { type: 'json' };

const packageDir = fileURLToPath(new URL('..', import.meta.url));

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

describe('contracts', () => {
  it('committed generated types match a fresh generation', () => {
    const out = mkdtempSync(join(tmpdir(), 'arbor-gen-'));
    try {
      // Same command as `npm run generate:types`, writing elsewhere.
      const command = packageJson.scripts['generate:types'].replace('-O src/generated', `-O ${out}`);
      execFileSync('sh', ['-c', `PATH="${join(packageDir, '../../node_modules/.bin')}:$PATH" ${command}`], { cwd: packageDir, stdio: 'pipe' });
      const committedDir = join(packageDir, 'src/generated');
      const fresh = listFiles(out).map((f) => relative(out, f)).sort();
      // The descriptor set has its own drift test (descriptors.test.ts).
      const committed = listFiles(committedDir)
        .map((f) => relative(committedDir, f))
        .filter((f) => f !== 'descriptor-set.ts')
        .sort();
      expect(committed).toEqual(fresh);
      for (const file of fresh) {
        expect(readFileSync(join(committedDir, file), 'utf8'), `${file} is stale: run npm run generate`).toBe(readFileSync(join(out, file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('protos compile with plain protoc', () => {
    const probe = spawnSync('protoc', ['--version']);
    if (probe.error) {
      // A developer machine may lack protoc; CI installs it (.ci/run), so there the check always runs.
      expect(process.env.CI, 'protoc is missing; install protobuf-compiler').not.toBe('true');
      return;
    }
    const result = spawnSync('protoc', [`-I${PROTO_ROOT}`, '-o/dev/null', ...PROTO_FILES], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('loads every service with the documented methods', () => {
    const v1 = arborV1();
    expect(Object.keys(v1.PolicyService.service)).toEqual(['Propose']);
    expect(Object.keys(v1.ValueService.service)).toEqual(['Evaluate']);
    expect(Object.keys(v1.RewardService.service)).toEqual(['Score']);
    expect(Object.keys(v1.SearchService.service).sort()).toEqual(['CancelSearch', 'GetTree', 'ListSearches', 'Search', 'StreamSearch']);
    expect(Object.keys(v1.JobService.service).sort()).toEqual(['CancelJob', 'GetJob', 'ListJobs', 'SubmitJob', 'WatchJob']);
  });

  it('round-trips a message with defaults filled and optional fields kept absent', () => {
    const method = arborV1().RewardService.service.Score;
    const decoded = method.responseDeserialize(
      method.responseSerialize({ rewards: [{ stepRewards: [1, 0.5] }, { stepRewards: [1], outcome: 0 }] }),
    );
    expect(decoded.rewards[0]).toMatchObject({ stepRewards: [1, 0.5] });
    expect(decoded.rewards[0]?.outcome).toBeUndefined();
    expect(decoded.rewards[1]?.outcome).toBe(0);
    expect(decoded.usage).toBeNull();
  });
});
