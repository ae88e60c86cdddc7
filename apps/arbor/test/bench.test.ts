// `arbor bench all --quick` as CI runs it: a spawned process that must finish and leave well-formed JSON.
// Benchmarks are not tests, so nothing here looks at a timing or a target; only at the shape of the results,
// at B2's and B3's checks that the runs they compare built the same tree, and at counts the algorithms fix.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { beamBoundMs, bonBoundMs, bonIndependentBoundMs, levelPaths } from '../src/bench/b3-critical-path.js';
import type { CallRecord } from '../src/bench/b3-world.js';
import { firstCrossing, largestBudgetWithin, tokenRatio } from '../src/bench/b6-curves.js';
import { latencyDraw } from '../src/bench/latency.js';
import { median } from '../src/bench/stats.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

// The benchmark starts its own nats-server when NATS_URL does not answer; without either there is nothing to run.
const natsServerInstalled = spawnSync('nats-server', ['--version'], { encoding: 'utf8' }).status === 0;

function expectPositive(value: unknown, what: string) {
  expect(typeof value, what).toBe('number');
  expect(Number.isFinite(value), what).toBe(true);
  expect(value as number, what).toBeGreaterThan(0);
}

describe.skipIf(!natsServerInstalled && !process.env.NATS_URL)('arbor bench --quick', () => {
  it('runs every benchmark, writes their JSON with finite positive ratios, and B2 and B3 find their runs agree', () => {
    const out = mkdtempSync(join(tmpdir(), 'arbor-bench-'));
    const result = spawnSync(process.execPath, [BIN, 'bench', 'all', '--quick', '--out', out], {
      encoding: 'utf8',
      timeout: 330_000,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    expect(result.stderr).not.toMatch(/FAILED|unexpected error/);
    expect(result.status).toBe(0);
    for (const name of ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8']) expect(existsSync(join(out, `${name}.json`)), name).toBe(true);

    // B7: a run per server count and routing, its hit rates read off the fake servers' prefix caches.
    const b7 = JSON.parse(readFileSync(join(out, 'b7.json'), 'utf8'));
    expect(b7.benchmark).toBe('B7');
    expect(b7.runs.map((r: { servers: number; routing: string }) => `${r.servers}/${r.routing}`)).toEqual(['1/prefix', '4/random', '4/prefix']);
    for (const run of b7.runs) {
      expect(run.cachedTokens).toBeLessThanOrEqual(run.promptTokens);
      expect(run.prefillTokens).toBe(run.promptTokens - run.cachedTokens);
      expect(run.requests).toHaveLength(run.servers);
      expectPositive(run.hitRate, 'b7 hit rate');
      expectPositive(run.searchesPerSec, 'b7 searches/s');
    }
    expect(b7.targets[0]).toMatchObject({ algorithm: 'beam', servers: 4 });
    // Its sidecar part: 2 policy replicas over NATS, each with a server of its own, affinity off then on.
    expect(b7.sidecars.map((r: { replicas: number; affinity: boolean }) => `${r.replicas}/${r.affinity}`)).toEqual(['2/false', '2/true']);
    for (const run of b7.sidecars) {
      expect(run.requests).toHaveLength(2);
      expect(run.searches).toBe(4);
      expectPositive(run.hitRate, 'b7 sidecar hit rate');
    }

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
    expect(b2.tracing).toMatch(/^on and off at t = 10 ms/);
    const traced = b2.results.find((r: { delayMs: number }) => r.delayMs === 10);
    expectPositive(traced.tracingRatio.value, 'b2 tracing ratio');
    expect(traced.natsTraced.runs.length).toBe(traced.nats.runs.length);
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

    const b3 = JSON.parse(readFileSync(join(out, 'b3.json'), 'utf8'));
    expect(b3.benchmark).toBe('B3');
    expect(b3.quick).toBe(true);
    expect(b3.runsAgree).toBe(true);
    expect(b3.failure).toBeUndefined();
    expectPositive(b3.machine.cpus, 'b3 machine.cpus');
    expect(Number.isNaN(Date.parse(b3.timestamp))).toBe(false);
    expect(b3.results.map((r: { case: string; latency: string }) => `${r.case}/${r.latency}`)).toEqual([
      'beam/fixed',
      'beam/lognormal',
      'beam+value/fixed',
      'beam+value/lognormal',
      'bon/fixed',
      'bon/lognormal',
    ]);
    const { beam, bon } = b3.parameters;
    // Beam: one propose per beam per level, the root alone first, then up to the width (each beam leaves M
    // children); best-of-N: every rollout, one step a level.
    let beamExpansions = 0;
    for (let level = 0, beams = 1; level < beam.depth; level++, beams = Math.min(beam.beamWidth, beams * beam.expansionsPerBeam)) {
      beamExpansions += beams;
    }
    for (const row of b3.results) {
      const label = `b3 ${row.case}/${row.latency}`;
      const expansions = row.case === 'bon' ? bon.n * bon.depth : beamExpansions;
      expect(row.expansions, label).toBe(expansions);
      expect(row.levels, label).toHaveLength(row.case === 'bon' ? bon.depth : beam.depth);
      expectPositive(row.speedup, `${label} speedup`);
      expectPositive(row.efficiency.value, `${label} efficiency`);
      expect(typeof row.efficiency.met, label).toBe('boolean');
      expectPositive(row.sequentialEfficiency, `${label} sequential efficiency`);
      expectPositive(row.boundMs, `${label} bound`);
      expectPositive(row.parallel.medianWallMs, `${label} T par`);
      expectPositive(row.sequential.wallMs, `${label} T seq`);
      expectPositive(row.sequential.cpuMsPerExpansion, `${label} cpu`);
      expectPositive(row.sequential.maxRssKb, `${label} rss`);
      // The bound and the serial sum come from the drawn latencies alone, so they are exact properties of the code.
      expect(row.serialSumMs, label).toBeGreaterThanOrEqual(row.boundMs);
      if (row.latency === 'fixed') expect(row.boundMs, label).toBe(row.nominalBoundMs);
      if (row.case === 'bon') expect(row.independentRolloutsBoundMs, label).toBeLessThanOrEqual(row.boundMs);
    }

    const b4 = JSON.parse(readFileSync(join(out, 'b4.json'), 'utf8'));
    expect(b4.benchmark).toBe('B4');
    expect(b4.quick).toBe(true);
    expect(b4.failure).toBeUndefined();
    expect(Number.isNaN(Date.parse(b4.timestamp))).toBe(false);
    // --quick leaves out P = 16, so there is no target to check.
    expect(b4.targets).toBeNull();
    const parallels: number[] = b4.parameters.parallel;
    expect(b4.results.map((r: { parallel: number }) => r.parallel)).toEqual(parallels);
    expect(b4.runs).toHaveLength(parallels.length * b4.parameters.puzzles);
    for (const row of b4.results) {
      const label = `b4 P=${row.parallel}`;
      expect(row.puzzles, label).toBe(b4.parameters.puzzles);
      expectPositive(row.speedup, `${label} speedup`);
      expectPositive(row.meanWaveSize, `${label} expansions/wave`);
      expectPositive(row.waveSpeedup, `${label} wave speedup`);
      expectPositive(row.msPerWave, `${label} ms/wave`);
      expect(Number.isFinite(row.solveRateChangePoints), label).toBe(true);
      expect(row.solveRate, label).toBeGreaterThanOrEqual(0);
      expect(row.solveRate, label).toBeLessThanOrEqual(1);
    }
    for (const run of b4.runs) {
      const label = `b4 ${run.puzzle} P=${run.parallel}`;
      // Equal simulations at every P, unless the tree ran out first.
      if (run.stopReason === 'completed') expect(run.simulations, label).toBe(b4.parameters.simulations);
      else expect(['exhausted', 'max_depth'], label).toContain(run.stopReason);
      expectPositive(run.expansions, `${label} expansions`);
      expect(run.waves, label).toBeLessThanOrEqual(run.expansions);
      // A wave carries at most P expansions.
      expect(run.waves * run.parallel, label).toBeGreaterThanOrEqual(run.expansions);
      if (run.parallel === 1) expect(run.waves, label).toBe(run.expansions);
      expectPositive(run.cpuMsPerExpansion, `${label} cpu`);
      expectPositive(run.maxRssKb, `${label} rss`);
    }

    const b5 = JSON.parse(readFileSync(join(out, 'b5.json'), 'utf8'));
    expect(b5.benchmark).toBe('B5');
    expect(b5.quick).toBe(true);
    // A caller that got another caller's result would have failed the run.
    expect(b5.failure).toBeUndefined();
    const { maxItems, evaluations } = b5.parameters;
    expect(b5.runs.map((r: { service: string; batched: boolean }) => `${r.service}/${r.batched}`)).toEqual(['value/false', 'value/true', 'reward/false', 'reward/true']);
    for (const run of b5.runs) {
      const label = `b5 ${run.service} batched=${run.batched}`;
      expect(run.evaluations, label).toBe(evaluations);
      expectPositive(run.evaluationsPerSec, `${label} evaluations/s`);
      if (run.batched) {
        // Batches never exceed the batcher's limit, so there are at least evaluations / maxItems of them.
        expect(run.deviceCalls, label).toBeGreaterThanOrEqual(Math.ceil(evaluations / maxItems));
        expect(run.meanBatchSize, label).toBeLessThanOrEqual(maxItems);
        // 64 callers submit at once, so batches fill: batching that silently stayed off would show 1 here.
        expect(run.meanBatchSize, label).toBeGreaterThan(1);
        expect(run.deviceCalls, label).toBeLessThan(evaluations / 2);
      } else {
        expect(run.deviceCalls, label).toBe(evaluations);
      }
    }
    for (const service of ['value', 'reward']) expectPositive(b5.ratios[service].value, `b5 ${service} ratio`);

    // B8 runs real processes: every level and every fault answered every search.
    const b8 = JSON.parse(readFileSync(join(out, 'b8.json'), 'utf8'));
    expect(b8.benchmark).toBe('B8');
    expect(b8.quick).toBe(true);
    expect(b8.levels.map((l: { stack: string; concurrency: number }) => `${l.stack}@${l.concurrency}`)).toEqual(['nats@1', 'nats@10', 'serve-all@1', 'serve-all@10']);
    for (const level of b8.levels) {
      expect(level.failed, `${level.stack}@${level.concurrency}`).toEqual({});
      expectPositive(level.searchesPerSec, `b8 ${level.stack}@${level.concurrency} searches/s`);
      expectPositive(level.healthP99Ms, `b8 ${level.stack}@${level.concurrency} health p99`);
    }
    expect(b8.faults.map((f: { fault: string }) => f.fault)).toEqual(['none', 'sigstop', 'nats-restart', 'sigkill']);
    for (const fault of b8.faults) {
      expect(fault.failed, fault.fault).toEqual({});
      expect(fault.searches, fault.fault).toBeGreaterThan(0);
      expectPositive(fault.p99Ms, `b8 ${fault.fault} p99`);
    }
  }, 360_000);

  it('rejects an unknown benchmark name with exit code 2', () => {
    const result = spawnSync(process.execPath, [BIN, 'bench', 'b9'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/unknown benchmark "b9"/);
  });
});

describe('arbor bench --help', () => {
  it('points at a description, in the repository, of every benchmark it runs', () => {
    const result = spawnSync(process.execPath, [BIN, 'bench', '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    const doc = /(\S+\/bench\/README\.md)/.exec(result.stdout)?.[1];
    expect(doc).toBeDefined();
    const text = readFileSync(fileURLToPath(new URL(`../../../${doc}`, import.meta.url)), 'utf8');
    const ids = [...result.stdout.matchAll(/^  (b\d)\s/gm)].map((m) => m[1]!.toUpperCase());
    expect(ids).toEqual(['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B8']);
    for (const id of ids) expect(text, id).toMatch(new RegExp(`^## ${id} `, 'm'));
  });
});

// B3's bound and latencies are computed, not measured, so unlike the timings they can be checked exactly.
describe('B3 latencies and critical path', () => {
  it('draws the same latency for the same call id and seed, log-normal around the median', () => {
    const draw = latencyDraw({ kind: 'lognormal', sigma: 0.3 }, 42);
    expect(draw('propose-7', 50)).toBe(draw('propose-7', 50));
    expect(latencyDraw({ kind: 'fixed' }, 42)('propose-7', 50)).toBe(50);
    const ids = Array.from({ length: 4000 }, (_, i) => `propose-${i}`);
    const samples = ids.map((id) => draw(id, 1000));
    expect(new Set(samples).size).toBeGreaterThan(500);
    expect(Math.abs(median(samples) / 1000 - 1)).toBeLessThan(0.03);
    const logs = samples.map((x) => Math.log(x / 1000));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
    expect(sd).toBeGreaterThan(0.28);
    expect(sd).toBeLessThan(0.32);
    // Another seed, other latencies.
    const other = latencyDraw({ kind: 'lognormal', sigma: 0.3 }, 43);
    expect(ids.slice(0, 50).some((id) => other(id, 1000) !== draw(id, 1000))).toBe(true);
  });

  const call = (service: CallRecord['service'], level: number, latencyMs: number): CallRecord => ({
    callId: `${service}-${level}-${latencyMs}`,
    service,
    level,
    latencyMs,
  });

  it('adds up beam levels: slowest propose, then the slower of score and evaluate', () => {
    const calls = [
      call('policy', 0, 50),
      call('reward', 0, 20),
      call('policy', 1, 40),
      call('policy', 1, 70),
      call('reward', 1, 20),
      call('value', 1, 30),
    ];
    const levels = levelPaths(calls);
    expect(levels.map((l) => l.proposes)).toEqual([1, 2]);
    expect(beamBoundMs(levels)).toBe(50 + 20 + 70 + 30);
  });

  it('overlaps a best-of-N round with the scoring of the round before', () => {
    // Round 0 finishes some rollouts (score 80 ms, longer than round 1's proposes); round 1 finishes the rest.
    const calls = [call('policy', 0, 50), call('reward', 0, 80), call('policy', 1, 60), call('reward', 1, 20)];
    expect(bonBoundMs(levelPaths(calls))).toBe(50 + Math.max(60, 80) + 20);
  });

  it('follows each best-of-N rollout by call order for the bound without rounds', () => {
    // Two rollouts, two rounds: rollout 0 is slow then fast, rollout 1 fast then slow; rounds pay both slow calls.
    const calls: CallRecord[] = [
      { callId: 'propose-0', service: 'policy', level: 0, latencyMs: 90 },
      { callId: 'propose-1', service: 'policy', level: 0, latencyMs: 10 },
      { callId: 'propose-2', service: 'policy', level: 1, latencyMs: 10 },
      { callId: 'propose-3', service: 'policy', level: 1, latencyMs: 90 },
      { callId: 'score-4', service: 'reward', level: 1, latencyMs: 20 },
    ];
    expect(bonBoundMs(levelPaths(calls))).toBe(90 + 90 + 20);
    expect(bonIndependentBoundMs(calls)).toBe(100 + 20);
  });
});

/** Every tag of an SVG opened and closed in order: enough to know a viewer will parse the file. */
function tagsBalance(svg: string): boolean {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name!);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}

// B6 runs in-process only, so unlike the smoke above it needs no NATS server.
describe('arbor bench search --quick', () => {
  it('writes b6.json with a cell per line and budget, and a well-formed SVG plot', () => {
    const out = mkdtempSync(join(tmpdir(), 'arbor-bench-b6-'));
    const result = spawnSync(process.execPath, [BIN, 'bench', 'search', '--quick', '--puzzles', '2', '--out', out], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    expect(result.stderr).not.toMatch(/FAILED|unexpected error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/Solve rate/);

    const b6 = JSON.parse(readFileSync(join(out, 'b6.json'), 'utf8'));
    expect(b6.benchmark).toBe('B6');
    expect(b6.quick).toBe(true);
    expect(b6.failure).toBeUndefined();
    expect(b6.parameters.puzzles).toBe(2);
    const { lines, budgets, slipRates } = b6.parameters as { lines: string[]; budgets: number[]; slipRates: number[] };
    expect(lines).toEqual(expect.arrayContaining(['bon', 'bon-majority', 'beam', 'dvts', 'mcts', 'bfs', 'litesearch', 'rebase', 'particle_filter']));
    expect(b6.results).toHaveLength(lines.length * budgets.length * slipRates.length);
    for (const cell of b6.results) {
      const label = `b6 ${cell.line} slip ${cell.slipRate} budget ${cell.budget}`;
      expect(cell.puzzles, label).toBe(2);
      expect(cell.solveRate, label).toBe(cell.solved / cell.puzzles);
      expect(cell.solvedPuzzles, label).toHaveLength(cell.solved);
      // The budget is a hard limit on generated steps: the search claims steps before it asks for them.
      expect(cell.meanGeneratedSteps, label).toBeLessThanOrEqual(cell.budget);
      expectPositive(cell.meanGeneratedSteps, `${label} steps`);
      expectPositive(cell.meanGeneratedTokens, `${label} tokens`);
      expectPositive(cell.meanModelCalls, `${label} calls`);
      expect(Object.values(cell.stopReasons as Record<string, number>).reduce((a, b) => a + b, 0), label).toBe(2);
    }
    // One ratio row per line but the baseline, per slip rate; a row without a crossing has no ratio.
    expect(b6.ratios).toHaveLength((lines.length - 1) * slipRates.length);
    for (const row of b6.ratios) if (row.algorithm === null) expect(row.ratioInterpolated).toBeNull();
    expect(b6.withinTokenLimit).toHaveLength(lines.length * slipRates.length);

    const svg = readFileSync(join(out, 'b6-solve-rate.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(tagsBalance(svg)).toBe(true);
    // One line per algorithm and baseline in each panel (one panel: --quick runs slip 0 only), and a legend entry each.
    expect(svg.match(/<polyline /g)).toHaveLength(lines.length * slipRates.length);
    for (const name of ['bon (verifier)', 'bon (majority)', 'litesearch', 'particle_filter']) expect(svg).toContain(`>${name}</text>`);
  }, 90_000);

  it('rejects --puzzles for a benchmark other than b6', () => {
    const result = spawnSync(process.execPath, [BIN, 'bench', 'b3', '--puzzles', '3'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--puzzles applies to b6/);
  });
});

describe('B6 curves', () => {
  const curve = [
    { budget: 16, tokens: 100, solveRate: 0 },
    { budget: 32, tokens: 200, solveRate: 0.2 },
    { budget: 64, tokens: 400, solveRate: 0.6 },
    { budget: 128, tokens: 800, solveRate: 0.6 },
  ];

  it('finds the first budget reaching a solve rate and interpolates in log tokens before it', () => {
    const at = firstCrossing(curve, 0.4)!;
    expect(at.budget).toBe(64);
    expect(at.tokensAtBudget).toBe(400);
    // Halfway from 0.2 to 0.6, so halfway from 200 to 400 on a log scale.
    expect(at.tokensInterpolated).toBeCloseTo(Math.sqrt(200 * 400), 6);
    expect(firstCrossing(curve, 0.7)).toBeNull();
    // Nothing before the first budget to interpolate from.
    expect(firstCrossing(curve, 0)!.tokensInterpolated).toBe(100);
  });

  it('divides the baseline tokens for its best solve rate by the curve tokens for the same rate', () => {
    const baseline = [
      { budget: 16, tokens: 1000, solveRate: 0.1 },
      { budget: 32, tokens: 2000, solveRate: 0.4 },
      { budget: 64, tokens: 4000, solveRate: 0.4 },
    ];
    const r = tokenRatio(baseline, curve);
    expect(r.baselineBestSolveRate).toBe(0.4);
    expect(r.baseline!.tokensInterpolated).toBe(2000);
    expect(r.ratioAtBudget).toBe(2000 / 400);
    expect(r.ratioInterpolated).toBeCloseTo(2000 / Math.sqrt(200 * 400), 6);
    // A baseline that solves nothing sets no bar.
    expect(tokenRatio([{ budget: 16, tokens: 10, solveRate: 0 }], curve).ratioInterpolated).toBeNull();
  });

  it('picks the largest budget within a token limit', () => {
    expect(largestBudgetWithin(curve, 550)!.budget).toBe(64);
    expect(largestBudgetWithin(curve, 50)).toBeNull();
  });
});
