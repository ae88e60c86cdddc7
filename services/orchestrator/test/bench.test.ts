// `arbor bench all --quick` as CI runs it: a spawned process that must finish and leave well-formed JSON.
// Benchmarks are not tests, so nothing here looks at a timing or a target; only at the shape of the results
// and at B2's check that NATS and in-process built the same tree.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

// The benchmark starts its own nats-server when NATS_URL does not answer; without either there is nothing to run.
const natsServerInstalled = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;

function expectPositive(value: unknown, what: string) {
  expect(typeof value, what).toBe('number');
  expect(Number.isFinite(value), what).toBe(true);
  expect(value as number, what).toBeGreaterThan(0);
}

describe.skipIf(!natsServerInstalled && !process.env.NATS_URL)('arbor bench --quick', () => {
  it('runs B1 and B2, writes their JSON with finite positive ratios, and B2 finds the trees equal', () => {
    const out = mkdtempSync(join(tmpdir(), 'arbor-bench-'));
    const result = spawnSync(process.execPath, [BIN, 'bench', 'all', '--quick', '--out', out], {
      encoding: 'utf8',
      timeout: 90_000,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    expect(result.stderr).not.toMatch(/FAILED|unexpected error/);
    expect(result.status).toBe(0);
    expect(existsSync(join(out, 'b1.json'))).toBe(true);
    expect(existsSync(join(out, 'b2.json'))).toBe(true);

    const b1 = JSON.parse(readFileSync(join(out, 'b1.json'), 'utf8'));
    expect(b1.benchmark).toBe('B1');
    expect(b1.quick).toBe(true);
    expectPositive(b1.machine.cpus, 'b1 machine.cpus');
    expect(b1.machine.node).toBe(process.version);
    expect(Number.isNaN(Date.parse(b1.timestamp))).toBe(false);
    for (const name of ['natsP50', 'natsThroughput', 'grpcP50', 'grpcThroughput']) {
      expectPositive(b1.ratios[name].value, `b1 ratios.${name}`);
      expect(typeof b1.ratios[name].met).toBe('boolean');
    }
    for (const id of ['natsRaw', 'natsArbor', 'grpcRaw', 'grpcArbor']) {
      expectPositive(b1.results[id].latency.p50Ms, `b1 ${id} p50`);
      expectPositive(b1.results[id].throughput.reqPerSec, `b1 ${id} req/s`);
      expectPositive(b1.results[id].cpuUsPerOp, `b1 ${id} cpu`);
      expectPositive(b1.results[id].maxRssKb, `b1 ${id} rss`);
    }

    const b2 = JSON.parse(readFileSync(join(out, 'b2.json'), 'utf8'));
    expect(b2.benchmark).toBe('B2');
    expect(b2.treesEqual).toBe(true);
    expect(b2.failure).toBeUndefined();
    expect(b2.tracing).toBe('not implemented (issue 5)');
    expect(b2.results.map((r: { delayMs: number }) => r.delayMs)).toEqual([0, 10]);
    for (const row of b2.results) {
      // Depth 8, width 8: the root, then 8 beams on each of the 7 levels below it.
      expect(row.expansions).toBe(57);
      expectPositive(row.ratio, `b2 t=${row.delayMs} ratio`);
      expectPositive(row.inproc.medianWallMs, `b2 t=${row.delayMs} inproc`);
      expectPositive(row.nats.medianWallMs, `b2 t=${row.delayMs} nats`);
      // o is a difference of two noisy times, so only its being a number is a property of the code.
      expect(Number.isFinite(row.overheadMsPerExpansion.value)).toBe(true);
      if (row.delayMs > 0) expect(Number.isFinite(row.overheadPerDelay)).toBe(true);
      else expect(row.overheadPerDelay).toBeNull();
    }
  }, 120_000);

  it('rejects an unknown benchmark name with exit code 2', () => {
    const result = spawnSync(process.execPath, [BIN, 'bench', 'b9'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown benchmark "b9"/);
  });
});
