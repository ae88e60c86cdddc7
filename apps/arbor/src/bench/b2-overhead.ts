// B2 overhead per expansion (bench/README.md): one beam search (width 8, depth 8, same seed) over the real
// handlers on synthetic backends that answer after t ms, run in-process and over NATS; o = (T_nats - T_inproc)
// / expansions. Both runs must build the same tree, or the difference would not be transport overhead.
import { isDeepStrictEqual } from 'node:util';
import { context } from '@opentelemetry/api';
import { startDiscardingTelemetry } from '@arbor/kit/telemetry';
import type { Problem } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';
import { servePolicyOnNats } from '@arbor/policy';
import { serveValueOnNats } from '@arbor/value';
import { serveRewardOnNats } from '@arbor/reward';
import { NO_LIMITS, runSearch, type BeamConfig, type Budget, type SearchOutcome } from '@arbor/search';
import { renderTable } from '../cli/table.js';
import type { BenchNats } from './nats-env.js';
import { atMost, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { meterResources } from './resources.js';
import { median, round } from './stats.js';
import { syntheticHandlers, type SyntheticWorld } from './synthetic.js';
import { BenchmarkFailure } from './failure.js';
import { fingerprint, firstDifference, type Fingerprint } from './fingerprint.js';
import { readOrchestratorConfig, SERVER_DEFAULTS } from '@arbor/orchestrator';
import { bindModelClient, DEFAULT_RETRY, inprocTransports, limitCalls, type ModelTransports, NatsLink, natsPolicyTransport, natsRewardTransport, natsValueTransport, orchestratorLimiters, startSearchTrace } from '@arbor/orchestrator/parts';

export const B2_DEPTH = 8;
export const B2_TARGET_OVERHEAD_MS = 0.5;
/** bench/README.md: tracing may add at most 3 % wall time at t = 10 ms. */
export const B2_TARGET_TRACING_RATIO = 1.03;
export const B2_TRACING_DELAY_MS = 10;

export interface B2Settings {
  delaysMs: number[];
  /** Timed searches per transport at each delay (inproc and NATS alternate). */
  runsPerDelay: Record<number, number>;
  seed: number;
  /** Untimed searches per transport before the first timed one: the first few run several times slower (JIT). */
  warmupSearches: number;
  /** The search's deadline: a search that takes longer fails the benchmark instead of hanging it. */
  searchTimeLimitMs: number;
  /** Calls each responder works on at once (a level issues 8 proposes at once). */
  responderMaxInFlight: number;
  /** The orchestrator's cap on model calls in flight (ARBOR_MAX_CALLS_IN_FLIGHT). */
  maxCallsInFlight: number;
}

// The orchestrator's defaults, so both transports are wrapped and timed out as in a deployment.
const ORCHESTRATOR_DEFAULTS = readOrchestratorConfig({});

export const B2_FULL: B2Settings = {
  delaysMs: [0, 10, 50],
  runsPerDelay: { 0: 15, 10: 7, 50: 5 },
  seed: 7,
  warmupSearches: 5,
  searchTimeLimitMs: 60_000,
  responderMaxInFlight: 64,
  maxCallsInFlight: ORCHESTRATOR_DEFAULTS.ARBOR_MAX_CALLS_IN_FLIGHT,
};

export const B2_QUICK: B2Settings = { ...B2_FULL, delaysMs: [0, 10], runsPerDelay: { 0: 2, 10: 1 }, warmupSearches: 1, searchTimeLimitMs: 10_000 };

/** What a search request with beam { beam_width: 8, expansions_per_beam: 8 } gets from the server. */
export const B2_ALGORITHM: BeamConfig = { ...SERVER_DEFAULTS.beam, beamWidth: 8, expansionsPerBeam: 8 };

const PROBLEM: Problem = { task: 'bench-synthetic', question: 'b2', params: {} };

type Mode = 'inproc' | 'nats';

interface RunMeasure {
  wallMs: number;
  cpuMsPerExpansion: number;
  maxRssKb: number;
}

export interface ModeResult {
  medianWallMs: number;
  runs: RunMeasure[];
}

export interface DelayResult {
  delayMs: number;
  expansions: number;
  nodes: number;
  modelCalls: number;
  inproc: ModeResult;
  nats: ModeResult;
  /** (median T_nats - median T_inproc) / expansions, ms. */
  overheadMsPerExpansion: TargetedRatio;
  /** o / t; null at t = 0. */
  overheadPerDelay: number | null;
  /** median T_nats / median T_inproc. */
  ratio: number;
  /** The NATS search again with tracing on (real SDK, batch span processor, exporters that discard). */
  natsTraced?: ModeResult;
  /** median T_nats traced / median T_nats untraced, at t = 10 ms. */
  tracingRatio?: TargetedRatio;
}

export interface B2Result {
  benchmark: 'B2';
  title: string;
  timestamp: string;
  quick: boolean;
  machine: Machine;
  nats: { url: string; source: string };
  parameters: B2Settings & { depth: number; algorithm: BeamConfig; budget: Budget; notes: string[] };
  tracing: string;
  /** Every timed run at every delay, over both transports, built the same tree as the first. */
  treesEqual: boolean;
  /** Why the benchmark failed (trees differ, or a search did not complete); absent when it did not. */
  failure?: string;
  results: DelayResult[];
}

interface Setup {
  transports: Record<Mode, Omit<ModelTransports, 'close'>>;
  stop(): Promise<void>;
}

/** The same handlers behind both transports, each wrapped in the orchestrator's cap on calls in flight. */
async function setUp(world: SyntheticWorld, nats: BenchNats, logger: Logger, settings: B2Settings): Promise<Setup> {
  const handlers = syntheticHandlers(world);
  const inproc = inprocTransports(handlers);
  if (!inproc.propose || !inproc.evaluate || !inproc.score) throw new Error('inprocTransports left out a service');

  const namespace = `${nats.namespace}.b2-t${world.delayMs}`;
  const served = { nc: nats.server, logger, maxInFlight: settings.responderMaxInFlight, namespace };
  const responders = [
    servePolicyOnNats({ ...served, handler: handlers.policy }),
    serveValueOnNats({ ...served, handler: handlers.value }),
    serveRewardOnNats({ ...served, handler: handlers.reward }),
  ];
  await nats.server.flush();
  const link = new NatsLink();
  link.set(nats.client);
  const d = ORCHESTRATOR_DEFAULTS;
  const timeoutsMs = { propose: d.ARBOR_POLICY_TIMEOUT_MS, evaluate: d.ARBOR_VALUE_TIMEOUT_MS, score: d.ARBOR_REWARD_TIMEOUT_MS };
  const natsOptions = { link, namespace, timeoutsMs, retry: DEFAULT_RETRY };
  const limited = (t: Omit<ModelTransports, 'close'>) =>
    limitCalls({ ...t, close: async () => {} }, orchestratorLimiters(settings.maxCallsInFlight));
  return {
    transports: {
      inproc: limited({ propose: inproc.propose, evaluate: inproc.evaluate, score: inproc.score }),
      nats: limited({
        propose: natsPolicyTransport(natsOptions),
        evaluate: natsValueTransport(natsOptions),
        score: natsRewardTransport(natsOptions),
      }),
    },
    async stop() {
      await Promise.allSettled(responders.map((r) => r.stop(1_000)));
    },
  };
}

async function searchOnce(transports: Omit<ModelTransports, 'close'>, settings: B2Settings): Promise<{ outcome: SearchOutcome; wallMs: number; cpuMs: number; maxRssKb: number }> {
  const budget: Budget = { ...NO_LIMITS, maxDepth: B2_DEPTH, deadlineMs: settings.searchTimeLimitMs };
  // As SearchRunner runs a search: a deadline on every call and one trace per tree (spans only when tracing is on).
  const meter = meterResources();
  const started = performance.now();
  const trace = startSearchTrace({ searchId: 'b2', tenant: 'bench', algorithm: B2_ALGORITHM.kind, task: PROBLEM.task ?? '' });
  const client = bindModelClient({
    transports,
    problem: PROBLEM,
    sampling: {},
    deadline: Date.now() + settings.searchTimeLimitMs,
    traceContext: trace.context,
  });
  let outcome: SearchOutcome;
  try {
    outcome = await context.with(trace.context, () => runSearch({ algorithm: B2_ALGORITHM, budget, seed: settings.seed, client }));
    trace.finish(outcome, false);
  } finally {
    trace.end();
  }
  const wallMs = performance.now() - started;
  const use = meter.stop();
  return { outcome, wallMs, cpuMs: use.cpuMs, maxRssKb: use.maxRssKb };
}

/** Expansions a width-W beam makes to depth D on this task: the root once, then W beams per level. */
function expectedExpansions(): number {
  return 1 + (B2_DEPTH - 1) * B2_ALGORITHM.beamWidth;
}

export async function runB2(options: { nats: BenchNats; logger: Logger; quick: boolean; progress: (line: string) => void }): Promise<B2Result> {
  const { nats, logger, progress } = options;
  const settings = options.quick ? B2_QUICK : B2_FULL;
  const timestamp = new Date().toISOString();
  const results: DelayResult[] = [];
  let reference: Fingerprint | undefined;
  let failure: string | undefined;

  const check = (outcome: SearchOutcome, label: string) => {
    const print = fingerprint(outcome);
    if (outcome.stopReason !== 'completed') {
      throw new BenchmarkFailure(`${label}: the search stopped with "${outcome.stopReason}", expected "completed"${outcome.error ? ` (${String(outcome.error)})` : ''}`);
    }
    if (print.expansions !== expectedExpansions()) {
      throw new BenchmarkFailure(`${label}: ${print.expansions} expansions, expected ${expectedExpansions()} for width ${B2_ALGORITHM.beamWidth}, depth ${B2_DEPTH}`);
    }
    reference ??= print;
    // The delay only changes timing, so every run at every t must match the first one.
    if (!isDeepStrictEqual(print, reference)) throw new BenchmarkFailure(`${label}: the tree differs from the first run's: ${firstDifference(reference, print)}`);
  };

  try {
    for (const delayMs of settings.delaysMs) {
      const setup = await setUp({ depth: B2_DEPTH, delayMs }, nats, logger, settings);
      try {
        if (delayMs === settings.delaysMs[0]) {
          progress(`B2: warming up (t = ${delayMs} ms)`);
          for (let i = 0; i < settings.warmupSearches; i++) {
            for (const mode of ['inproc', 'nats'] as const) check((await searchOnce(setup.transports[mode], settings)).outcome, `warm-up over ${mode}`);
          }
        }
        const runs: Record<Mode, RunMeasure[]> = { inproc: [], nats: [] };
        const count = settings.runsPerDelay[delayMs] ?? 1;
        for (let i = 0; i < count; i++) {
          progress(`B2: t = ${delayMs} ms, run ${i + 1}/${count}`);
          // Alternating which goes first keeps slow drift on a shared machine from favouring one transport.
          const order: Mode[] = i % 2 === 0 ? ['inproc', 'nats'] : ['nats', 'inproc'];
          for (const mode of order) {
            const run = await searchOnce(setup.transports[mode], settings);
            check(run.outcome, `t = ${delayMs} ms over ${mode}, run ${i + 1}`);
            runs[mode].push({
              wallMs: round(run.wallMs, 3),
              cpuMsPerExpansion: round(run.cpuMs / run.outcome.stats.expansions, 4),
              maxRssKb: run.maxRssKb,
            });
          }
        }
        const inprocMs = median(runs.inproc.map((r) => r.wallMs));
        const natsMs = median(runs.nats.map((r) => r.wallMs));
        let traced: { natsTraced: ModeResult; tracingRatio: TargetedRatio } | undefined;
        if (delayMs === B2_TRACING_DELAY_MS) {
          // Same searches over NATS with the real SDK on (spans batched, exported to nowhere), in a block after
          // the untraced ones: starting and stopping the SDK per run would time its warm-up instead.
          const telemetry = startDiscardingTelemetry();
          const tracedRuns: RunMeasure[] = [];
          try {
            check((await searchOnce(setup.transports.nats, settings)).outcome, 'warm-up with tracing');
            for (let i = 0; i < count; i++) {
              progress(`B2: t = ${delayMs} ms, traced run ${i + 1}/${count}`);
              const run = await searchOnce(setup.transports.nats, settings);
              check(run.outcome, `t = ${delayMs} ms over nats with tracing, run ${i + 1}`);
              tracedRuns.push({ wallMs: round(run.wallMs, 3), cpuMsPerExpansion: round(run.cpuMs / run.outcome.stats.expansions, 4), maxRssKb: run.maxRssKb });
            }
          } finally {
            await telemetry.shutdown();
          }
          const tracedMs = median(tracedRuns.map((r) => r.wallMs));
          traced = {
            natsTraced: { medianWallMs: round(tracedMs, 3), runs: tracedRuns },
            tracingRatio: atMost(round(tracedMs / natsMs), B2_TARGET_TRACING_RATIO),
          };
        }
        const shape = reference!;
        const o = (natsMs - inprocMs) / shape.expansions;
        results.push({
          delayMs,
          expansions: shape.expansions,
          nodes: shape.nodes,
          modelCalls: shape.modelCalls,
          inproc: { medianWallMs: round(inprocMs, 3), runs: runs.inproc },
          nats: { medianWallMs: round(natsMs, 3), runs: runs.nats },
          overheadMsPerExpansion: atMost(round(o), B2_TARGET_OVERHEAD_MS),
          overheadPerDelay: delayMs > 0 ? round(o / delayMs) : null,
          ratio: round(natsMs / inprocMs),
          ...traced,
        });
      } finally {
        await setup.stop();
      }
    }
  } catch (err) {
    if (!(err instanceof BenchmarkFailure)) throw err;
    failure = err.message;
  }

  return {
    benchmark: 'B2',
    title: 'overhead per expansion',
    timestamp,
    quick: options.quick,
    machine: describeMachine(),
    nats: { url: nats.url, source: nats.source },
    parameters: {
      ...settings,
      depth: B2_DEPTH,
      algorithm: B2_ALGORITHM,
      budget: { ...NO_LIMITS, maxDepth: B2_DEPTH, deadlineMs: settings.searchTimeLimitMs },
      notes: [
        'synthetic task: k distinct steps per state until depth 8, all terminal there; steps, values and rewards hash the path',
        'both transports call the real ProposeHandler / EvaluateHandler / ScoreHandler, bound through bindModelClient and the orchestrator cap on calls in flight',
        'T is the median wall time of the timed searches per transport; inproc and NATS alternate run by run',
        'cpuMsPerExpansion is the whole process (orchestrator and services together); maxRssKb is the process peak so far',
      ],
    },
    tracing: `on and off at t = ${B2_TRACING_DELAY_MS} ms (discarding exporters); see results[].tracingRatio`,
    treesEqual: failure === undefined,
    ...(failure !== undefined && { failure }),
    results,
  };
}

/** The table printed for B2: one row per delay. */
export function b2Table(result: B2Result): string {
  const rows = result.results.map((r) => [
    String(r.delayMs),
    fixed(r.inproc.medianWallMs, 1),
    fixed(r.nats.medianWallMs, 1),
    String(r.expansions),
    fixed(r.overheadMsPerExpansion.value, 3),
    fixed(r.overheadPerDelay, 4),
    fixed(r.ratio, 3),
    fixed(median(r.inproc.runs.map((x) => x.cpuMsPerExpansion)), 3),
    fixed(median(r.nats.runs.map((x) => x.cpuMsPerExpansion)), 3),
    r.overheadMsPerExpansion.target,
    metMark(r.overheadMsPerExpansion),
  ]);
  const headers = ['t ms', 'T inproc ms', 'T nats ms', 'expansions', 'o ms/exp', 'o / t', 'T nats/inproc', 'CPU ms/exp inproc', 'CPU ms/exp nats', 'target o', ''];
  return [
    `B2 overhead per expansion: beam ${B2_ALGORITHM.beamWidth}x${B2_ALGORITHM.expansionsPerBeam}, depth ${B2_DEPTH}, seed ${result.parameters.seed}, NATS vs in-process` +
      `${result.quick ? ' (quick)' : ''}`,
    ...(rows.length > 0 ? [renderTable(headers, rows)] : []),
    ...result.results
      .filter((r) => r.tracingRatio)
      .map(
        (r) =>
          `tracing at t = ${r.delayMs} ms: T nats traced ${fixed(r.natsTraced!.medianWallMs, 1)} ms vs ${fixed(r.nats.medianWallMs, 1)} ms ` +
          `untraced = ${fixed(r.tracingRatio!.value, 3)}x (target ${r.tracingRatio!.target}) ${metMark(r.tracingRatio!)}`,
      ),
    `trees equal: ${result.treesEqual ? 'yes' : `NO (${result.failure})`}`,
  ].join('\n');
}
