// B5 batching (bench/README.md): value and reward evaluations whose cost grows like a GPU batch, t(n) = 20 ms +
// 2 ms·n, served through the services' real handlers and micro-batcher (≤ 8 items, ≤ 2 ms wait). The model
// behind is the embedded backend (real scoring) wrapped in a "device" that runs one batch at a time and takes
// t(n) for it, as a GPU server does. Baseline in the same run: the same load with batching off (one backend
// call per item). Reports evaluations/s batched ÷ unbatched; the ideal at n = 8 is 22 / ((20 + 16) / 8) = 4.9.
import type { Problem__Output, Trajectory__Output } from '@arbor/contracts';
import { readServicePrices, sleep } from '@arbor/kit';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { createRewardBackend, NO_BATCHING as NO_REWARD_BATCHING, readRewardConfig, ScoreHandler, type RewardBackend } from '@arbor/reward';
import { countdown } from '@arbor/tasks';
import { createValueBackend, EvaluateHandler, readValueConfig, type ValueBackend } from '@arbor/value';
import { renderTable } from '../cli/table.js';
import { BenchmarkFailure } from './failure.js';
import { atLeast, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { meterResources } from './resources.js';
import { round } from './stats.js';

export const B5_TARGET_RATIO = 4.4;

export interface B5Settings {
  /** The device's cost of a batch of n items: fixedMs + perItemMs · n. */
  fixedMs: number;
  perItemMs: number;
  /** The micro-batcher under test. */
  maxItems: number;
  maxWaitMs: number;
  /** Callers each sending one-item requests back to back (a busy orchestrator's searches). */
  callers: number;
  /** Evaluations per run (each run: one service, batched or not). */
  evaluations: number;
}

export const B5_FULL: B5Settings = { fixedMs: 20, perItemMs: 2, maxItems: 8, maxWaitMs: 2, callers: 64, evaluations: 480 };
export const B5_QUICK: B5Settings = { ...B5_FULL, evaluations: 64 };

type Service = 'value' | 'reward';

export interface B5Run {
  service: Service;
  batched: boolean;
  evaluations: number;
  wallMs: number;
  evaluationsPerSec: number;
  /** Backend (device) calls and their mean size. */
  deviceCalls: number;
  meanBatchSize: number;
  cpuMsPerEvaluation: number;
  maxRssKb: number;
}

export interface B5Result {
  benchmark: 'B5';
  quick: boolean;
  timestamp: string;
  machine: Machine;
  parameters: B5Settings & { idealRatio: number };
  ratios: Record<Service, TargetedRatio>;
  runs: B5Run[];
  failure?: string;
}

/** Runs one batch at a time, each taking fixedMs + perItemMs · n: the cost shape of a GPU forward pass. */
class Device {
  #queue: Promise<unknown> = Promise.resolve();
  calls = 0;
  items = 0;
  constructor(private readonly settings: B5Settings) {}

  run<T>(n: number, work: () => Promise<T>): Promise<T> {
    const turn = this.#queue.then(async () => {
      this.calls += 1;
      this.items += n;
      await sleep(this.settings.fixedMs + this.settings.perItemMs * n);
      return work();
    });
    this.#queue = turn.catch(() => undefined);
    return turn;
  }
}

function onDevice<B extends RewardBackend | ValueBackend>(backend: B, device: Device): B {
  if ('score' in backend) {
    const reward: RewardBackend = { name: backend.name, check: (p) => backend.check(p), score: (items, signal) => device.run(items.length, () => backend.score(items, signal)) };
    return reward as B;
  }
  const value: ValueBackend = { name: backend.name, check: (p) => backend.check(p), evaluate: (items, signal) => device.run(items.length, () => backend.evaluate(items, signal)) };
  return value as B;
}

/** Trajectories of hard puzzles: the first step of each legal move, so every item is different. */
function workload(count: number): { problem: Problem__Output; trajectory: Trajectory__Output }[] {
  const items: { problem: Problem__Output; trajectory: Trajectory__Output }[] = [];
  for (const numbers of countdown.bundledHardestPuzzles()) {
    const problem: Problem__Output = { task: 'countdown', id: numbers.join('-'), question: numbers.join(' '), params: { target: '24' } };
    const puzzle = countdown.parseProblem(problem);
    for (const move of countdown.legalMoves(countdown.initialState(puzzle))) {
      items.push({ problem, trajectory: { steps: [{ text: countdown.formatMove(move), logprob: 0, tokens: 0 }] } });
      if (items.length === count) return items;
    }
  }
  return items;
}

interface Handler {
  call(item: { problem: Problem__Output; trajectory: Trajectory__Output }, signal: AbortSignal): Promise<number[]>;
  batchStats?: { batches: number; items: number } | undefined;
}

function handlerFor(service: Service, device: Device, settings: B5Settings, batched: boolean): Handler {
  const batching = batched ? { maxItems: settings.maxItems, maxWaitMs: settings.maxWaitMs } : NO_REWARD_BATCHING;
  if (service === 'reward') {
    const handler = new ScoreHandler(onDevice(createRewardBackend(readRewardConfig({})), device), readServicePrices('reward', {}), batching);
    return {
      call: async ({ problem, trajectory }, signal) => {
        const response = await handler.score({ problem, trajectories: [trajectory], callId: '' }, signal);
        return (response.rewards?.[0]?.stepRewards ?? []).map(Number);
      },
    };
  }
  const handler = new EvaluateHandler(onDevice(createValueBackend(readValueConfig({})), device), readServicePrices('value', {}), batching);
  return {
    call: async ({ problem, trajectory }, signal) => {
      const response = await handler.evaluate({ problem, states: [trajectory], callId: '' }, signal);
      return (response.values ?? []).map(Number);
    },
  };
}

/** What each item must get back: its own result, computed without batching and without the device. */
async function expectedResults(service: Service, items: ReturnType<typeof workload>): Promise<string[]> {
  const signal = new AbortController().signal;
  if (service === 'reward') {
    const backend = createRewardBackend(readRewardConfig({}));
    const { rewards } = await backend.score(items, signal);
    return rewards.map((r) => JSON.stringify(r.stepRewards));
  }
  const backend = createValueBackend(readValueConfig({}));
  const { values } = await backend.evaluate(items.map((i) => ({ problem: i.problem, state: i.trajectory })), signal);
  return values.map((v) => JSON.stringify([v]));
}

async function runOne(service: Service, batched: boolean, settings: B5Settings, items: ReturnType<typeof workload>, expected: string[]): Promise<B5Run> {
  const device = new Device(settings);
  const handler = handlerFor(service, device, settings, batched);
  let next = 0;
  let mismatch: string | undefined;
  const meter = meterResources();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.callers }, async () => {
      while (next < items.length) {
        const index = next++;
        // A signal per call, as every gRPC or NATS call has its own.
        const got = JSON.stringify(await handler.call(items[index]!, new AbortController().signal));
        if (got !== expected[index] && mismatch === undefined) mismatch = `item ${index}: got ${got}, expected ${expected[index]}`;
      }
    }),
  );
  const wallMs = performance.now() - started;
  const used = meter.stop();
  if (mismatch !== undefined) throw new BenchmarkFailure(`${service}${batched ? ' batched' : ''}: a caller got another item's result (${mismatch})`);
  return {
    service,
    batched,
    evaluations: items.length,
    wallMs: round(wallMs, 1),
    evaluationsPerSec: round((items.length / wallMs) * 1000, 1),
    deviceCalls: device.calls,
    meanBatchSize: round(device.items / Math.max(1, device.calls), 2),
    cpuMsPerEvaluation: round(used.cpuMs / items.length, 4),
    maxRssKb: used.maxRssKb,
  };
}

export async function runB5(options: { quick: boolean; progress: (line: string) => void; settings?: B5Settings }): Promise<B5Result> {
  const settings = options.settings ?? (options.quick ? B5_QUICK : B5_FULL);
  const items = workload(settings.evaluations);
  if (items.length < settings.evaluations) throw new InvalidArgumentError('evaluations', `at most ${items.length} distinct items available`);
  const idealRatio = (settings.fixedMs + settings.perItemMs) / ((settings.fixedMs + settings.perItemMs * settings.maxItems) / settings.maxItems);
  const runs: B5Run[] = [];
  let failure: string | undefined;
  try {
    for (const service of ['value', 'reward'] as const) {
      const expected = await expectedResults(service, items);
      for (const batched of [false, true]) {
        options.progress(`B5 ${service} ${batched ? `batched (≤ ${settings.maxItems} items, ≤ ${settings.maxWaitMs} ms)` : 'one call per item'}: ${items.length} evaluations`);
        runs.push(await runOne(service, batched, settings, items, expected));
      }
    }
  } catch (err) {
    if (!(err instanceof BenchmarkFailure)) throw err;
    failure = err.message;
  }
  const ratio = (service: Service) => {
    const base = runs.find((r) => r.service === service && !r.batched);
    const batched = runs.find((r) => r.service === service && r.batched);
    return atLeast(base && batched ? round(batched.evaluationsPerSec / base.evaluationsPerSec, 3) : Number.NaN, B5_TARGET_RATIO);
  };
  return {
    benchmark: 'B5',
    quick: options.quick,
    timestamp: new Date().toISOString(),
    machine: describeMachine(),
    parameters: { ...settings, idealRatio: round(idealRatio, 3) },
    ratios: { value: ratio('value'), reward: ratio('reward') },
    runs,
    ...(failure !== undefined && { failure }),
  };
}

export function b5Table(result: B5Result): string {
  const p = result.parameters;
  const rows = result.runs.map((r) => [
    r.service,
    r.batched ? `≤ ${p.maxItems} items, ≤ ${p.maxWaitMs} ms` : 'off',
    String(r.evaluations),
    fixed(r.wallMs / 1000, 2),
    fixed(r.evaluationsPerSec, 1),
    String(r.deviceCalls),
    fixed(r.meanBatchSize, 2),
    fixed(r.cpuMsPerEvaluation, 3),
  ]);
  return [
    `B5 batching: device cost ${p.fixedMs} ms + ${p.perItemMs} ms·n, one batch at a time; ${p.callers} callers sending one-item requests${result.quick ? ' (quick)' : ''}`,
    renderTable(['service', 'batching', 'evaluations', 'wall s', 'evaluations/s', 'device calls', 'mean batch', 'CPU ms/eval'], rows),
    ...(['value', 'reward'] as const).map((s) => {
      const r = result.ratios[s];
      return `${s}: batched ÷ unbatched ${fixed(r.value, 2)}× (ideal ${fixed(p.idealRatio, 2)}×, target ${r.target}: ${metMark(r)})`;
    }),
    ...(result.failure !== undefined ? [`FAILED: ${result.failure}`] : []),
  ].join('\n');
}
