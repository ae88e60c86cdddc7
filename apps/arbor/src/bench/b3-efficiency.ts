// B3 critical-path efficiency (bench/README.md): beam search (width 16, depth 10) and best-of-N (N = 64, depth 10)
// over the real handlers and the in-process transport, with the policy answering after 50 ms and the reward
// (and value) after 20 ms, fixed or log-normal. Baselines in the same run: the same search with one call in
// flight (speedup T_seq / T_par) and the critical path of the latencies actually drawn (efficiency T_bound / T_par).
import { isDeepStrictEqual } from 'node:util';
import type { Problem } from '@arbor/contracts';
import { DEFAULTS, NO_LIMITS, runSearch, type AlgorithmConfig, type BeamConfig, type BonConfig, type Budget, type SearchOutcome } from '@arbor/search';
import { renderTable } from '../cli/table.js';
import { atMedians, beamBoundMs, bonBoundMs, bonIndependentBoundMs, levelPaths, serialSumMs, type LevelPath } from './b3-critical-path.js';
import { timedHandlers, type CallRecord, type ServiceLatencies, type TimedWorld } from './b3-world.js';
import { BenchmarkFailure } from './failure.js';
import { fingerprint, firstDifference } from './fingerprint.js';
import { describeLatency, latencyDraw, type LatencyShape } from './latency.js';
import { atLeast, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { meterResources } from './resources.js';
import { median, round } from './stats.js';
import { readOrchestratorConfig } from '@arbor/orchestrator';
import { bindModelClient, inprocTransports, type ModelTransports } from '@arbor/orchestrator/parts';
import { limitInFlight, Semaphore } from './one-cap.js';

export const B3_TARGET_EFFICIENCY = { fixed: 0.95, lognormal: 0.85 } as const;
type ShapeName = keyof typeof B3_TARGET_EFFICIENCY;

export interface B3Settings {
  beam: { beamWidth: number; expansionsPerBeam: number; depth: number };
  bon: { n: number; depth: number };
  /** Median latency per service, ms; the value service is modelled like the reward model (one forward pass). */
  latencyMs: ServiceLatencies;
  sigma: number;
  /** Seeds the latency draws; with the search seed it fixes every latency of the run. */
  latencySeed: number;
  searchSeed: number;
  /** Timed searches with calls in parallel per case; the median is T_par. T_seq is one run (seconds long). */
  parallelRuns: number;
  /**
   * Untimed searches of every case with no latency, before anything is timed: the first searches of a process
   * run several times slower (JIT), and at no latency they cost milliseconds each.
   */
  warmupSearches: number;
  /** Untimed parallel searches, with the case's latencies, before each case's timed ones. */
  warmupRuns: number;
  /** A search's deadline: one that takes longer fails the benchmark instead of hanging it. */
  searchTimeLimitMs: number;
  /** The orchestrator's cap on model calls in flight (ARBOR_MAX_CALLS_IN_FLIGHT) for the parallel runs. */
  maxCallsInFlight: number;
}

const ORCHESTRATOR_DEFAULTS = readOrchestratorConfig({});

export const B3_FULL: B3Settings = {
  beam: { beamWidth: 16, expansionsPerBeam: 4, depth: 10 },
  bon: { n: 64, depth: 10 },
  latencyMs: { policy: 50, reward: 20, value: 20 },
  sigma: 0.3,
  latencySeed: 20_240_601,
  searchSeed: 7,
  parallelRuns: 5,
  warmupSearches: 20,
  warmupRuns: 1,
  searchTimeLimitMs: 300_000,
  maxCallsInFlight: ORCHESTRATOR_DEFAULTS.ARBOR_MAX_CALLS_IN_FLIGHT,
};

/** Smaller trees, same latencies: the sequential runs are what make B3 slow (16 x 10 x 50 ms for beam alone). */
export const B3_QUICK: B3Settings = {
  ...B3_FULL,
  beam: { beamWidth: 4, expansionsPerBeam: 4, depth: 4 },
  bon: { n: 8, depth: 4 },
  parallelRuns: 1,
  searchTimeLimitMs: 30_000,
};

const PROBLEM: Problem = { task: 'bench-synthetic', question: 'b3', params: {} };

type CaseId = 'beam' | 'beam+value' | 'bon';

interface Case {
  id: CaseId;
  algorithm: AlgorithmConfig;
  depth: number;
  /** Policy calls the search must make; anything else means it did not run to the full depth. */
  expansions: number;
  bound: (levels: readonly LevelPath[]) => number;
}

/**
 * One propose per beam per level: the root alone, then as many beams as the level before left children (each
 * beam proposes M distinct steps), up to the width. All children are new states on the synthetic task.
 */
export function beamExpansionsFor(beam: B3Settings['beam']): number {
  let total = 0;
  let beams = 1;
  for (let level = 0; level < beam.depth; level++) {
    total += beams;
    beams = Math.min(beam.beamWidth, beams * beam.expansionsPerBeam);
  }
  return total;
}

function cases(settings: B3Settings): Case[] {
  const { beamWidth, expansionsPerBeam, depth } = settings.beam;
  // Stop-on-solution is off, though the synthetic rewards never reach 1, so that a change there cannot cut
  // a run short; lookahead 0 is plain beam search, one propose per beam per level.
  const beam: BeamConfig = { ...DEFAULTS.beam, beamWidth, expansionsPerBeam, useValue: false, stopOnSolution: false, lookahead: 0 };
  const bon: BonConfig = { ...DEFAULTS.bon, n: settings.bon.n, stopOnSolution: false };
  const beamExpansions = beamExpansionsFor(settings.beam);
  return [
    { id: 'beam', algorithm: beam, depth, expansions: beamExpansions, bound: beamBoundMs },
    // As the server runs beam by default: evaluate beside score, so the level waits for the slower of the two.
    { id: 'beam+value', algorithm: { ...beam, useValue: true }, depth, expansions: beamExpansions, bound: beamBoundMs },
    { id: 'bon', algorithm: bon, depth: settings.bon.depth, expansions: settings.bon.n * settings.bon.depth, bound: bonBoundMs },
  ];
}

interface RunMeasure {
  wallMs: number;
  cpuMsPerExpansion: number;
  maxRssKb: number;
}

interface TimedRun extends RunMeasure {
  outcome: SearchOutcome;
  calls: CallRecord[];
}

export interface B3Row {
  case: CaseId;
  latency: ShapeName;
  expansions: number;
  modelCalls: number;
  nodes: number;
  /** Critical path of the drawn latencies, ms. */
  boundMs: number;
  /** The same critical path with every call at its median latency, ms: the bound without jitter. */
  nominalBoundMs: number;
  /** Every drawn latency added up, ms: the least one call at a time could take. */
  serialSumMs: number;
  /** Best-of-N only: the bound if rollouts advanced independently rather than in rounds (b3-critical-path.ts). */
  independentRolloutsBoundMs?: number;
  /** The drawn critical path level by level: the slowest propose, score and evaluate of each. */
  levels: LevelPath[];
  parallel: { medianWallMs: number; runs: RunMeasure[] };
  sequential: RunMeasure;
  /** T_seq / T_par. */
  speedup: number;
  /** T_bound / T_par. */
  efficiency: TargetedRatio;
  /** serialSum / T_seq: how close one call in flight came to its own ideal, which shows per-call overhead. */
  sequentialEfficiency: number;
  /** (T_par - T_bound) / levels, ms: the time each level spends on the critical path beyond its latencies. */
  overheadMsPerLevel: number;
}

export interface B3Result {
  benchmark: 'B3';
  title: string;
  timestamp: string;
  quick: boolean;
  machine: Machine;
  parameters: B3Settings & { algorithms: Record<CaseId, AlgorithmConfig>; notes: string[] };
  /** Every parallel and sequential run of a case built the same tree and saw the same latencies. */
  runsAgree: boolean;
  failure?: string;
  results: B3Row[];
}

/** Calls in id order: arrival order differs between runs, the set of calls and their latencies must not. */
function byCallId(calls: readonly CallRecord[]): CallRecord[] {
  return [...calls].sort((a, b) => (a.callId < b.callId ? -1 : a.callId > b.callId ? 1 : 0));
}

async function searchOnce(c: Case, shape: LatencyShape, inFlight: number, settings: B3Settings): Promise<TimedRun> {
  const world: TimedWorld = { depth: c.depth, medians: settings.latencyMs, draw: latencyDraw(shape, settings.latencySeed), log: [] };
  const inproc = inprocTransports(timedHandlers(world));
  if (!inproc.propose || !inproc.evaluate || !inproc.score) throw new Error('inprocTransports left out a service');
  const transports: Omit<ModelTransports, 'close'> = limitInFlight(
    { propose: inproc.propose, evaluate: inproc.evaluate, score: inproc.score, close: async () => {} },
    new Semaphore(inFlight),
  );
  const budget: Budget = { ...NO_LIMITS, maxDepth: c.depth, deadlineMs: settings.searchTimeLimitMs };
  const client = bindModelClient({
    transports,
    problem: PROBLEM,
    sampling: {},
    deadline: Date.now() + settings.searchTimeLimitMs,
  });
  const meter = meterResources();
  const started = performance.now();
  const outcome = await runSearch({ algorithm: c.algorithm, budget, seed: settings.searchSeed, client });
  const wallMs = performance.now() - started;
  const use = meter.stop();
  return {
    outcome,
    calls: world.log,
    wallMs: round(wallMs, 3),
    cpuMsPerExpansion: round(use.cpuMs / Math.max(1, outcome.stats.expansions), 4),
    maxRssKb: use.maxRssKb,
  };
}

function measure(run: TimedRun): RunMeasure {
  return { wallMs: run.wallMs, cpuMsPerExpansion: run.cpuMsPerExpansion, maxRssKb: run.maxRssKb };
}

export async function runB3(options: { quick: boolean; progress: (line: string) => void }): Promise<B3Result> {
  const { progress } = options;
  const settings = options.quick ? B3_QUICK : B3_FULL;
  const timestamp = new Date().toISOString();
  const shapes: Record<ShapeName, LatencyShape> = { fixed: { kind: 'fixed' }, lognormal: { kind: 'lognormal', sigma: settings.sigma } };
  const all = cases(settings);
  const results: B3Row[] = [];
  let failure: string | undefined;

  try {
    progress(`B3: warming up (${settings.warmupSearches} searches of each case with no latency)`);
    const noLatency: B3Settings = { ...settings, latencyMs: { policy: 0, value: 0, reward: 0 } };
    for (let i = 0; i < settings.warmupSearches; i++) {
      for (const c of all) {
        const run = await searchOnce(c, shapes.fixed, settings.maxCallsInFlight, noLatency);
        if (run.outcome.stopReason !== 'completed') throw new BenchmarkFailure(`${c.id}, warm-up: the search stopped with "${run.outcome.stopReason}"`);
      }
    }
    for (const c of all) {
      for (const name of ['fixed', 'lognormal'] as const) {
        const label = `${c.id}, ${describeLatency(shapes[name])} latencies`;
        let reference: { print: ReturnType<typeof fingerprint>; calls: CallRecord[] } | undefined;
        const check = (run: TimedRun, what: string) => {
          const { outcome } = run;
          if (outcome.stopReason !== 'completed') {
            throw new BenchmarkFailure(`${label}, ${what}: the search stopped with "${outcome.stopReason}", expected "completed"${outcome.error ? ` (${String(outcome.error)})` : ''}`);
          }
          if (outcome.stats.expansions !== c.expansions) {
            throw new BenchmarkFailure(`${label}, ${what}: ${outcome.stats.expansions} expansions, expected ${c.expansions}`);
          }
          const print = fingerprint(outcome);
          const calls = byCallId(run.calls);
          reference ??= { print, calls };
          // Same tree and same latencies, or T_seq and T_par would not time the same work.
          if (!isDeepStrictEqual(print, reference.print)) throw new BenchmarkFailure(`${label}, ${what}: the tree differs from the first run's: ${firstDifference(reference.print, print)}`);
          if (!isDeepStrictEqual(calls, reference.calls)) throw new BenchmarkFailure(`${label}, ${what}: the calls or their latencies differ from the first run's`);
        };

        progress(`B3: ${label}: ${settings.warmupRuns} warm-up + ${settings.parallelRuns} parallel runs`);
        for (let i = 0; i < settings.warmupRuns; i++) check(await searchOnce(c, shapes[name], settings.maxCallsInFlight, settings), `warm-up ${i + 1}`);
        const parallel: TimedRun[] = [];
        for (let i = 0; i < settings.parallelRuns; i++) {
          const run = await searchOnce(c, shapes[name], settings.maxCallsInFlight, settings);
          check(run, `parallel run ${i + 1}`);
          parallel.push(run);
        }
        progress(`B3: ${label}: one call in flight`);
        const sequential = await searchOnce(c, shapes[name], 1, settings);
        check(sequential, 'one call in flight');

        const calls = sequential.calls;
        const levels = levelPaths(calls);
        const boundMs = c.bound(levels);
        const parMs = median(parallel.map((r) => r.wallMs));
        const stats = sequential.outcome.stats;
        const serial = serialSumMs(calls);
        results.push({
          case: c.id,
          latency: name,
          expansions: stats.expansions,
          modelCalls: stats.modelCalls,
          nodes: stats.nodes,
          boundMs,
          nominalBoundMs: c.bound(levelPaths(atMedians(calls, settings.latencyMs))),
          serialSumMs: serial,
          ...(c.id === 'bon' && { independentRolloutsBoundMs: bonIndependentBoundMs(calls) }),
          levels,
          parallel: { medianWallMs: round(parMs, 3), runs: parallel.map(measure) },
          sequential: measure(sequential),
          speedup: round(sequential.wallMs / parMs),
          efficiency: atLeast(round(boundMs / parMs), B3_TARGET_EFFICIENCY[name]),
          sequentialEfficiency: round(serial / sequential.wallMs),
          overheadMsPerLevel: round((parMs - boundMs) / Math.max(1, levels.length), 3),
        });
      }
    }
  } catch (err) {
    if (!(err instanceof BenchmarkFailure)) throw err;
    failure = err.message;
  }

  return {
    benchmark: 'B3',
    title: 'critical-path efficiency',
    timestamp,
    quick: options.quick,
    machine: describeMachine(),
    parameters: {
      ...settings,
      algorithms: Object.fromEntries(all.map((c) => [c.id, c.algorithm])) as Record<CaseId, AlgorithmConfig>,
      notes: [
        `synthetic task (as B2): k distinct steps per state until depth ${settings.beam.depth} (bon: ${settings.bon.depth}), all terminal there; real handlers, in-process transport, bindModelClient`,
        'latency per call: fixed at the median, or median x exp(sigma z) with z a standard normal hashed from (latencySeed, call id); whole ms; held before the backend answers',
        'the value service is modelled like the reward model (20 ms); it is called only by beam+value, beside the score call of each level',
        'T_par: median wall time with the orchestrator cap on calls in flight; T_seq: the same search through a semaphore of 1',
        'overheadMsPerLevel = (T_par - T_bound) / levels: mostly protobuf encoding and decoding, which the in-process transport does for both ends on this one thread, between the timers of a level',
        'T_bound: the critical path of the drawn latencies (beam: per level slowest propose + slower of score/evaluate; bon: per round max(slowest propose, previous round score) + last score)',
        'every run of a case must build the same tree and receive the same calls with the same latencies, else the benchmark fails',
        'cpuMsPerExpansion is the whole process (orchestrator and services together); maxRssKb is the process peak so far',
      ],
    },
    runsAgree: failure === undefined,
    ...(failure !== undefined && { failure }),
    results,
  };
}

export function b3Table(result: B3Result): string {
  const rows = result.results.map((r) => [
    r.case,
    r.latency,
    String(r.expansions),
    fixed(r.parallel.medianWallMs, 1),
    fixed(r.sequential.wallMs, 0),
    fixed(r.boundMs, 0),
    fixed(r.nominalBoundMs, 0),
    fixed(r.speedup, 2),
    fixed(r.efficiency.value, 3),
    fixed(r.sequentialEfficiency, 3),
    fixed(r.overheadMsPerLevel, 1),
    fixed(median(r.parallel.runs.map((x) => x.cpuMsPerExpansion)), 3),
    r.efficiency.target,
    metMark(r.efficiency),
  ]);
  const headers = ['case', 'latency', 'expansions', 'T par ms', 'T seq ms', 'T bound ms', 'bound at medians', 'speedup seq/par', 'efficiency bound/par', 'seq efficiency', 'overhead ms/level', 'CPU ms/exp', 'target', ''];
  const p = result.parameters;
  return [
    `B3 critical-path efficiency: beam ${p.beam.beamWidth}x${p.beam.expansionsPerBeam} depth ${p.beam.depth}, best-of-${p.bon.n} depth ${p.bon.depth}; ` +
      `policy ${p.latencyMs.policy} ms, reward ${p.latencyMs.reward} ms, value ${p.latencyMs.value} ms, sigma ${p.sigma}${result.quick ? ' (quick)' : ''}`,
    ...(rows.length > 0 ? [renderTable(headers, rows)] : []),
    ...result.results
      .filter((r) => r.independentRolloutsBoundMs !== undefined)
      .map((r) => `${r.case}, ${r.latency}: bound ${fixed(r.boundMs, 0)} ms in lock-step rounds, ${fixed(r.independentRolloutsBoundMs, 0)} ms if each rollout advanced on its own`),
    `runs agree (same tree, same latencies): ${result.runsAgree ? 'yes' : `NO (${result.failure})`}`,
  ].join('\n');
}
