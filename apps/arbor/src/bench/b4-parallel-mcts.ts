// B4 parallel MCTS (bench/README.md): MCTS with 512 simulations on the hardest countdown puzzles, with P = 1, 4,
// 16, 64 simulations in flight (virtual loss 1), every model call answering 50 ms after it arrives: the real
// embedded backends and handlers (see b4-backends.ts for how the latency is added), the in-process transport.
// Baseline in the same run: P = 1 on the same puzzles and seeds. Reports T(1) / T(P) and the solve-rate change.
import type { Problem } from '@arbor/contracts';
import { NO_LIMITS, runSearch, type Budget, type MctsConfig, type StopReason } from '@arbor/search';
import { answerKeysOf, countdown, getTask } from '@arbor/tasks';
import { renderTable } from '../cli/table.js';
import { ComputeMeter, embeddedHandlers, type LatencyMode } from './b4-backends.js';
import { BenchmarkFailure } from './failure.js';
import { atLeast, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { meterResources } from './resources.js';
import { round } from './stats.js';
import { readOrchestratorConfig, SERVER_DEFAULTS } from '@arbor/orchestrator';
import { bindModelClient, inprocTransports, limitCalls, type ModelTransports, orchestratorLimiters } from '@arbor/orchestrator/parts';

export const B4_TARGET_SPEEDUP_AT_16 = 14;
/** Solve-rate points P = 16 may lose against P = 1. */
export const B4_TARGET_POINTS_LOST = 2;

export interface B4Settings {
  simulations: number;
  parallel: number[];
  virtualLoss: number;
  /** Latency of every policy, value and reward call, ms. */
  latencyMs: number;
  /** How the latency is added to the embedded backends' compute (b4-backends.ts). */
  latencyMode: LatencyMode;
  /** The first this many of the bundled hardest puzzles (hardest first), target 24. */
  puzzles: number;
  /** Search seed of puzzle i is firstSeed + i, the same for every P. */
  firstSeed: number;
  searchTimeLimitMs: number;
  /** The orchestrator's cap on model calls in flight; at P = 64 a wave has up to 128 score and evaluate calls. */
  maxCallsInFlight: number;
}

const ORCHESTRATOR_DEFAULTS = readOrchestratorConfig({});

/**
 * Twenty puzzles: once a puzzle is solved MCTS spends most of its 512 simulations revisiting the solution, which
 * costs no call, so P = 1 takes (expansions x 100 ms), about 5-15 s a puzzle, and B4 ends in about three
 * minutes. Each puzzle is a solve-rate step of 5 points, coarser than the 2-point target: the per-puzzle
 * table shows which puzzle a P lost or gained.
 */
export const B4_FULL: B4Settings = {
  simulations: 512,
  parallel: [1, 4, 16, 64],
  virtualLoss: 1,
  latencyMs: 50,
  latencyMode: 'answer-after',
  puzzles: 20,
  firstSeed: 1,
  searchTimeLimitMs: 300_000,
  maxCallsInFlight: ORCHESTRATOR_DEFAULTS.ARBOR_MAX_CALLS_IN_FLIGHT,
};

export const B4_QUICK: B4Settings = { ...B4_FULL, simulations: 64, parallel: [1, 4], puzzles: 2, searchTimeLimitMs: 60_000 };

/** The server's MCTS (24 children a node, c_puct 1.5, visits, dedupe) with B4's simulations, P and virtual loss. */
function mctsConfig(settings: B4Settings, parallelSimulations: number): MctsConfig {
  return {
    ...SERVER_DEFAULTS.mcts,
    simulations: settings.simulations,
    parallelSimulations,
    virtualLoss: settings.virtualLoss,
    // Every run does its full budget, so T(P) times the same number of simulations at every P.
    stopOnSolution: false,
  };
}

export interface B4Run {
  puzzle: string;
  seed: number;
  parallel: number;
  wallMs: number;
  stopReason: StopReason;
  /** Simulations backed up: the root's visit count (call-free simulations on finished leaves included). */
  simulations: number;
  expansions: number;
  modelCalls: number;
  nodes: number;
  /** Rounds of proposes (MCTS waves with a model call); expansions / waves is the parallelism achieved. */
  waves: number;
  answer: string;
  solved: boolean;
  cpuMsPerExpansion: number;
  maxRssKb: number;
  /** The embedded models' own compute over the run's calls, ms: on this process's thread, unlike a model server's. */
  modelComputeMs: number;
  maxCallComputeMs: number;
  /** Calls whose compute outlasted the latency, so they answered late ('answer-after'). */
  lateCalls: number;
}

export interface B4Row {
  parallel: number;
  puzzles: number;
  totalWallMs: number;
  /** T(1) / T(P) over all puzzles (sum of wall times). */
  speedup: number;
  /** expansions / waves: how many expansions a wave carried on average. */
  meanWaveSize: number;
  waves: number;
  /**
   * waves(1) / waves(P): the speedup if every wave took as long at P as at 1, i.e. what the tree's shape and
   * the wave-by-wave schedule allow; speedup / waveSpeedup is what slower waves at P cost on top.
   */
  waveSpeedup: number;
  /** Wall time per wave, ms: 2 x latency plus the orchestrator's serial work in the wave. */
  msPerWave: number;
  simulations: number;
  expansions: number;
  solved: number;
  solveRate: number;
  /** (solve rate at P - solve rate at P = 1) x 100. */
  solveRateChangePoints: number;
}

export interface B4Result {
  benchmark: 'B4';
  title: string;
  timestamp: string;
  quick: boolean;
  machine: Machine;
  parameters: B4Settings & { algorithm: MctsConfig; puzzleList: string[]; notes: string[] };
  /** Only when P = 16 was run (not in --quick). */
  targets: { speedupAtP16: TargetedRatio; solveRateChangeAtP16: TargetedRatio } | null;
  failure?: string;
  results: B4Row[];
  runs: B4Run[];
}

function embeddedTransports(settings: B4Settings, meter: ComputeMeter): Omit<ModelTransports, 'close'> {
  const inproc = inprocTransports(embeddedHandlers(settings.latencyMode, settings.latencyMs, meter));
  if (!inproc.propose || !inproc.evaluate || !inproc.score) throw new Error('inprocTransports left out a service');
  return limitCalls(
    { propose: inproc.propose, evaluate: inproc.evaluate, score: inproc.score, close: async () => {} },
    orchestratorLimiters(settings.maxCallsInFlight),
  );
}

/**
 * Counts waves: MCTS issues all proposes of a wave together and the next only after every call of the wave has
 * answered, so each wave is exactly one stretch in which proposes are in flight.
 */
function countingWaves(transports: Omit<ModelTransports, 'close'>): { transports: Omit<ModelTransports, 'close'>; waves: () => number } {
  let inFlight = 0;
  let waves = 0;
  return {
    transports: {
      ...transports,
      async propose(request, options) {
        if (inFlight++ === 0) waves++;
        try {
          return await transports.propose(request, options);
        } finally {
          inFlight--;
        }
      },
    },
    waves: () => waves,
  };
}

async function searchOnce(
  base: Omit<ModelTransports, 'close'>,
  compute: ComputeMeter,
  numbers: readonly number[],
  seed: number,
  parallel: number,
  settings: B4Settings,
): Promise<B4Run> {
  const like = { task: countdown.TASK_NAME, question: countdown.formatQuestion(numbers), params: { target: String(countdown.DEFAULT_TARGET) } };
  const problem: Problem = like;
  const task = getTask(countdown.TASK_NAME);
  const { transports, waves } = countingWaves(base);
  const budget: Budget = {
    ...NO_LIMITS,
    maxDepth: ORCHESTRATOR_DEFAULTS.ARBOR_MAX_TREE_DEPTH,
    maxNodes: ORCHESTRATOR_DEFAULTS.ARBOR_MAX_TREE_NODES,
    deadlineMs: settings.searchTimeLimitMs,
  };
  // As SearchRunner runs a search: the task's answer and state keys, a deadline on every call, one trace.
  const client = bindModelClient({
    transports,
    problem,
    sampling: {},
    deadline: Date.now() + settings.searchTimeLimitMs,
  });
  compute.reset();
  const meter = meterResources();
  const started = performance.now();
  const outcome = await runSearch({
    algorithm: mctsConfig(settings, parallel),
    budget,
    seed,
    client,
    answerKey: answerKeysOf(task, like),
    stateKey: (steps) => task.stateKey(like, steps.map((s) => s.text)),
  });
  const wallMs = performance.now() - started;
  const use = meter.stop();
  const stats = outcome.stats;
  return {
    puzzle: like.question,
    seed,
    parallel,
    wallMs: round(wallMs, 3),
    stopReason: outcome.stopReason,
    simulations: outcome.tree.nodes[0]?.visits ?? 0,
    expansions: stats.expansions,
    modelCalls: stats.modelCalls,
    nodes: stats.nodes,
    waves: waves(),
    answer: outcome.answer,
    // The orchestrator's own verdict (SearchRunner): an answer that the task's verifier accepts.
    solved: outcome.answer !== '' && task.verifyAnswer(like, outcome.answer),
    cpuMsPerExpansion: round(use.cpuMs / Math.max(1, stats.expansions), 4),
    maxRssKb: use.maxRssKb,
    modelComputeMs: round(compute.computeMs, 1),
    maxCallComputeMs: round(compute.maxComputeMs, 3),
    lateCalls: compute.late,
  };
}

/** Runs that used their whole budget or ran out of tree; any other stop means a run did less than it was given. */
const FULL_RUN: ReadonlySet<StopReason> = new Set(['completed', 'exhausted', 'max_depth']);

export async function runB4(options: { quick: boolean; progress: (line: string) => void }): Promise<B4Result> {
  const { progress } = options;
  const settings = options.quick ? B4_QUICK : B4_FULL;
  const timestamp = new Date().toISOString();
  const puzzles = countdown.bundledHardestPuzzles().slice(0, settings.puzzles);
  const compute = new ComputeMeter();
  const transports = embeddedTransports(settings, compute);
  const runs: B4Run[] = [];
  let failure: string | undefined;

  try {
    // One short untimed search so that the first timed one does not pay for compiling the embedded models.
    progress('B4: warming up');
    await searchOnce(transports, compute, puzzles[0] ?? [1, 2, 3, 4], settings.firstSeed, Math.max(...settings.parallel), { ...settings, simulations: 32 });
    for (const [i, numbers] of puzzles.entries()) {
      // Every P of one puzzle back to back, so slow drift on a shared machine hits all of them alike.
      for (const parallel of settings.parallel) {
        progress(`B4: puzzle ${i + 1}/${puzzles.length} (${numbers.join(' ')}), P = ${parallel}`);
        const run = await searchOnce(transports, compute, numbers, settings.firstSeed + i, parallel, settings);
        if (!FULL_RUN.has(run.stopReason)) {
          throw new BenchmarkFailure(`puzzle ${run.puzzle}, P = ${parallel}: the search stopped with "${run.stopReason}" after ${run.simulations} simulations`);
        }
        runs.push(run);
      }
    }
  } catch (err) {
    if (!(err instanceof BenchmarkFailure)) throw err;
    failure = err.message;
  }

  const results = summarize(runs, settings.parallel);
  const at16 = results.find((r) => r.parallel === 16);
  return {
    benchmark: 'B4',
    title: 'parallel MCTS',
    timestamp,
    quick: options.quick,
    machine: describeMachine(),
    parameters: {
      ...settings,
      algorithm: mctsConfig(settings, 1),
      puzzleList: puzzles.map((p) => p.join(' ')),
      notes: [
        'countdown, target 24, the hardest bundled puzzles first; seed firstSeed + puzzle index at every P',
        'embedded policy, value and reward backends as createPolicyBackend/createValueBackend/createRewardBackend build them, real handlers, in-process transport, bindModelClient',
        'latencyMode answer-after: each call computes on arrival and answers latencyMs after it arrived, as from a model server computing on its own hardware; sleep-then-compute (ARBOR_*_EMBEDDED_LATENCY_MS) would add the compute of every call of a wave, run one after another on this thread, to each wave',
        'algorithm: the server MCTS defaults with the simulations, P (parallelSimulations) and virtual loss above; stopOnSolution off so every run does its whole budget',
        'simulations = root visits; a run may end early only when the tree is exhausted (stop reason exhausted or max_depth)',
        'solved = an answer the countdown verifier accepts (getTask("countdown").verifyAnswer), as SearchRunner decides',
        'T(P) is the sum over puzzles of the wall time at P; speedup = T(1) / T(P)',
        'cpuMsPerExpansion is the whole process (orchestrator and services together); maxRssKb is the process peak so far',
      ],
    },
    targets: at16
      ? {
          speedupAtP16: atLeast(at16.speedup, B4_TARGET_SPEEDUP_AT_16),
          solveRateChangeAtP16: atLeast(at16.solveRateChangePoints, -B4_TARGET_POINTS_LOST),
        }
      : null,
    ...(failure !== undefined && { failure }),
    results,
    runs,
  };
}

/** One row per P, over the puzzles every P finished (so a failure part-way does not skew the ratios). */
function summarize(runs: readonly B4Run[], parallels: readonly number[]): B4Row[] {
  const key = (r: B4Run) => `${r.puzzle}#${r.seed}`;
  const complete = new Set(
    [...new Set(runs.map(key))].filter((k) => parallels.every((p) => runs.some((r) => key(r) === k && r.parallel === p))),
  );
  const at = (p: number) => runs.filter((r) => r.parallel === p && complete.has(key(r)));
  const sum = (rs: readonly B4Run[], f: (r: B4Run) => number) => rs.reduce((s, r) => s + f(r), 0);
  const base = at(parallels[0] ?? 1);
  const baseMs = sum(base, (r) => r.wallMs);
  const baseRate = base.length > 0 ? sum(base, (r) => (r.solved ? 1 : 0)) / base.length : Number.NaN;
  const baseWaves = sum(base, (r) => r.waves);
  if (complete.size === 0) return [];
  return parallels.map((parallel) => {
    const rs = at(parallel);
    const totalWallMs = sum(rs, (r) => r.wallMs);
    const solved = sum(rs, (r) => (r.solved ? 1 : 0));
    const solveRate = solved / rs.length;
    const expansions = sum(rs, (r) => r.expansions);
    const waves = sum(rs, (r) => r.waves);
    return {
      parallel,
      puzzles: rs.length,
      totalWallMs: round(totalWallMs, 1),
      speedup: round(baseMs / totalWallMs),
      meanWaveSize: round(expansions / Math.max(1, waves), 3),
      waves,
      waveSpeedup: round(baseWaves / Math.max(1, waves)),
      msPerWave: round(totalWallMs / Math.max(1, waves), 2),
      simulations: sum(rs, (r) => r.simulations),
      expansions,
      solved,
      solveRate: round(solveRate),
      solveRateChangePoints: round((solveRate - baseRate) * 100, 2),
    };
  });
}

export function b4Table(result: B4Result): string {
  const rows = result.results.map((r) => [
    String(r.parallel),
    fixed(r.totalWallMs / 1000, 2),
    fixed(r.speedup, 2),
    fixed(r.waveSpeedup, 2),
    fixed(r.meanWaveSize, 2),
    fixed(r.msPerWave, 1),
    String(r.simulations),
    String(r.expansions),
    `${r.solved}/${r.puzzles}`,
    fixed(r.solveRateChangePoints, 1),
  ]);
  const headers = ['P', 'T(P) s', 'T(1)/T(P)', 'waves(1)/waves(P)', 'expansions/wave', 'ms/wave', 'simulations', 'expansions', 'solved', 'solve-rate change pts'];
  const perPuzzle = result.runs.map((r) => [
    r.puzzle,
    String(r.seed),
    String(r.parallel),
    fixed(r.wallMs / 1000, 2),
    String(r.simulations),
    String(r.expansions),
    String(r.waves),
    r.stopReason,
    r.solved ? 'yes' : 'no',
    fixed(r.cpuMsPerExpansion, 3),
    fixed(r.modelComputeMs / Math.max(1, r.modelCalls), 3),
    String(r.lateCalls),
  ]);
  const p = result.parameters;
  const t = result.targets;
  return [
    `B4 parallel MCTS: ${p.simulations} simulations, ${p.algorithm.childrenPerNode} children a node, virtual loss ${p.virtualLoss}, ` +
      `${p.latencyMs} ms every call (${p.latencyMode}), ${p.puzzleList.length} hardest countdown puzzles${result.quick ? ' (quick)' : ''}`,
    ...(rows.length > 0 ? [renderTable(headers, rows)] : []),
    ...(perPuzzle.length > 0 ? ['', renderTable(['puzzle', 'seed', 'P', 'T s', 'simulations', 'expansions', 'waves', 'stop', 'solved', 'CPU ms/exp', 'model ms/call', 'late calls'], perPuzzle)] : []),
    t
      ? `P = 16: speedup ${fixed(t.speedupAtP16.value, 2)} (target ${t.speedupAtP16.target}: ${metMark(t.speedupAtP16)}), ` +
        `solve-rate change ${fixed(t.solveRateChangeAtP16.value, 1)} pts (target ${t.solveRateChangeAtP16.target}: ${metMark(t.solveRateChangeAtP16)})`
      : 'P = 16 not run: no target to check',
    ...(result.failure !== undefined ? [`FAILED: ${result.failure}`] : []),
  ].join('\n');
}
