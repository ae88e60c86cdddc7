// B8 load and faults (bench/README.md): Arbor's services as real processes on loopback, driven over gRPC as a
// client would. The load curve: searches/s, p50 and p99 at rising concurrency, on the NATS stack (one replica of
// each model service, as `npm run stack`) and on `arbor serve all`, with health probed throughout. The faults, on a
// NATS stack with 3 reward replicas and 8 searches at a time: one replica SIGSTOPped (then resumed), one
// SIGKILLed, and nats-server down for a few seconds. Baseline in the same run: the same stack without a fault.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type SearchRequest, type SearchResult__Output, type SearchServiceClient } from '@arbor/contracts';
import { checkHealth, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { renderTable } from '../cli/table.js';
import { findNatsServer } from '../up/nats.js';
import { atLeast, atMost, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { startArbor, type ServiceProcess } from '../serve-process.js';
import { percentile, round } from './stats.js';

/** A fault may add 2 s to p99 (nats-server down: its downtime and 2 s). */
export const B8_TARGETS = { faultExcessMs: 2_000, healthP99Ms: 100, replicaUse: 0.8 } as const;

export interface B8Settings {
  /** Every embedded model call answers after this long, as a model server would. */
  latencyMs: number;
  /** What one replica takes at once (ARBOR_<SERVICE>_MAX_IN_FLIGHT). */
  replicaCap: number;
  levels: number[];
  /** Searches at a level: at least this many, and this many per concurrent search. */
  minSearches: number;
  searchesPerSlot: number;
  faultConcurrency: number;
  rewardReplicas: number;
  /** When the fault starts, after the run has; how long a run goes on in all. */
  faultAtMs: number;
  faultRunMs: number;
  /** How long the replica stays SIGSTOPped, and nats-server down. */
  stopMs: number;
  natsDownMs: number;
  healthEveryMs: number;
}

export const B8_FULL: B8Settings = {
  latencyMs: 20,
  replicaCap: 32,
  levels: [1, 10, 50, 200],
  minSearches: 40,
  searchesPerSlot: 2,
  faultConcurrency: 8,
  rewardReplicas: 3,
  faultAtMs: 2_000,
  faultRunMs: 25_000,
  stopMs: 20_000,
  natsDownMs: 3_000,
  healthEveryMs: 50,
};

export const B8_QUICK: B8Settings = {
  ...B8_FULL,
  levels: [1, 10],
  minSearches: 8,
  searchesPerSlot: 1,
  faultAtMs: 1_000,
  faultRunMs: 4_000,
  stopMs: 2_000,
  natsDownMs: 1_000,
};

const PUZZLES = ['4 9 10 13', '3 3 8 8', '1 5 5 5', '2 4 10 10', '2 7 8 11', '4 4 6 8', '1 2 7 7', '3 9 11 13'];
type StackName = 'nats' | 'serve-all';
type FaultName = 'none' | 'sigstop' | 'sigkill' | 'nats-restart';

export interface B8Level {
  stack: StackName;
  concurrency: number;
  searches: number;
  wallMs: number;
  searchesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Searches that did not come back with a result, by status (e.g. RESOURCE_EXHAUSTED). */
  failed: Record<string, number>;
  healthP50Ms: number;
  healthP99Ms: number;
  /** NATS stack: the busiest service's calls/s over what its replicas take (cap / latency); null in process. */
  replicaUse: number | null;
}

export interface B8Fault {
  fault: FaultName;
  searches: number;
  p99Ms: number;
  maxMs: number;
  /** p99 over the fault-free run's p99, and how many ms more. */
  p99Ratio: number;
  excessMs: number;
  failed: Record<string, number>;
  hedges: number;
}

export interface B8Result {
  benchmark: 'B8';
  quick: boolean;
  timestamp: string;
  machine: Machine;
  parameters: B8Settings;
  levels: B8Level[];
  faults: B8Fault[];
  ratios: {
    healthP99ServeAll: TargetedRatio;
    failedAtTopLevel: TargetedRatio;
    replicaUseAtTopLevel: TargetedRatio | null;
    faultExcessMs: Partial<Record<FaultName, TargetedRatio>>;
  };
}

interface Outcome {
  startedAt: number;
  ms: number;
  result?: SearchResult__Output;
  status?: string;
}

function search(client: SearchServiceClient, request: SearchRequest): Promise<Outcome> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    client.Search(request, { deadline: Date.now() + 180_000 }, (err, result) => {
      const ms = performance.now() - startedAt;
      resolve(err ? { startedAt, ms, status: grpc.status[err.code] ?? String(err.code) } : { startedAt, ms, result: result! });
    });
  });
}

function request(i: number): SearchRequest {
  return { problem: { task: 'countdown', question: PUZZLES[i % PUZZLES.length]!, params: { target: '24' } }, seed: String(i + 1) };
}

/** `concurrency` clients, each sending its next search when the last came back, until `until` says stop. */
async function closedLoop(client: SearchServiceClient, concurrency: number, until: (started: number, elapsedMs: number) => boolean): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const began = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until(next, performance.now() - began)) outcomes.push(await search(client, request(next++)));
    }),
  );
  return outcomes;
}

/** Health latencies of `address`, probed every `everyMs` until `done` settles. */
async function probeHealth(address: string, everyMs: number, done: Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const started = performance.now();
    await checkHealth(address, '', 5_000).catch(() => 'UNKNOWN');
    samples.push(performance.now() - started);
    await sleep(everyMs);
  }
  return samples;
}

function failures(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const reason = o.status ?? (o.result?.stopReason === 'STOP_REASON_MODEL_UNAVAILABLE' ? 'MODEL_UNAVAILABLE' : undefined);
    if (reason) counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

function failedCount(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

interface Stack {
  name: StackName;
  orchestrator: string;
  processes: ServiceProcess[];
  rewards: ServiceProcess[];
  stop(): Promise<void>;
}

function modelEnv(settings: B8Settings, natsUrl: string, namespace: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NATS_URL: natsUrl, ARBOR_NATS_NAMESPACE: namespace };
  for (const service of ['POLICY', 'VALUE', 'REWARD']) {
    env[`ARBOR_${service}_EMBEDDED_LATENCY_MS`] = String(settings.latencyMs);
    env[`ARBOR_${service}_MAX_IN_FLIGHT`] = String(settings.replicaCap);
  }
  return env;
}

async function waitServing(address: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await checkHealth(address, '', 1_000).catch(() => 'UNKNOWN')) === 'SERVING') return;
    await sleep(100);
  }
  throw new Error(`the orchestrator at ${address} never became SERVING`);
}

let namespaces = 0;

async function startNatsStack(settings: B8Settings, nats: NatsServerProcess, rewardReplicas: number): Promise<Stack> {
  const namespace = `b8n${process.pid}x${namespaces++}`;
  const env = modelEnv(settings, nats.url, namespace);
  const processes: ServiceProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    processes.push(await startArbor('policy', ['policy'], env, { servesNats: true }));
    processes.push(await startArbor('value', ['value'], env, { servesNats: true }));
    const rewards = await Promise.all(Array.from({ length: rewardReplicas }, (_, i) => startArbor(`reward-${i + 1}`, ['reward'], env, { servesNats: true })));
    processes.push(...rewards);
    const orchestrator = await startArbor('orchestrator', ['orchestrator', '--transport', 'nats'], env);
    processes.push(orchestrator);
    await waitServing(orchestrator.address);
    return { name: 'nats', orchestrator: orchestrator.address, processes, rewards, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function startServeAll(): Promise<Stack> {
  const all = await startArbor('serve-all', ['all'], { ...process.env });
  await waitServing(all.address);
  return { name: 'serve-all', orchestrator: all.address, processes: [all], rewards: [], stop: () => all.stop() };
}

async function runLevel(stack: Stack, settings: B8Settings, concurrency: number): Promise<B8Level> {
  const client = new (arborV1().SearchService)(stack.orchestrator, grpc.credentials.createInsecure());
  try {
    const count = Math.max(settings.minSearches, settings.searchesPerSlot * concurrency);
    const began = performance.now();
    const running = closedLoop(client, concurrency, (started) => started >= count);
    const health = await probeHealth(stack.orchestrator, settings.healthEveryMs, running);
    const outcomes = await running;
    const wallMs = performance.now() - began;
    const ms = outcomes.map((o) => o.ms);
    let replicaUse: number | null = null;
    if (stack.name === 'nats') {
      // What the busiest service was asked, against what one replica of it takes: cap / latency.
      const calls: Record<string, number> = {};
      for (const o of outcomes) for (const cost of o.result?.cost ?? []) calls[cost.service] = (calls[cost.service] ?? 0) + cost.calls;
      const capacityPerSec = settings.replicaCap / (settings.latencyMs / 1_000);
      replicaUse = round(Math.max(...Object.values(calls), 0) / (wallMs / 1_000) / capacityPerSec, 3);
    }
    return {
      stack: stack.name,
      concurrency,
      searches: outcomes.length,
      wallMs: round(wallMs, 1),
      searchesPerSec: round(outcomes.length / (wallMs / 1_000), 2),
      p50Ms: round(percentile(ms, 50), 1),
      p99Ms: round(percentile(ms, 99), 1),
      failed: failures(outcomes),
      healthP50Ms: round(percentile(health, 50), 1),
      healthP99Ms: round(percentile(health, 99), 1),
      replicaUse,
    };
  } finally {
    client.close();
  }
}

/** A few searches first, so that no measured one pays for compiling code paths or finding replicas. */
async function warmUp(address: string, concurrency: number): Promise<void> {
  const client = new (arborV1().SearchService)(address, grpc.credentials.createInsecure());
  try {
    await closedLoop(client, concurrency, (started) => started >= concurrency);
  } finally {
    client.close();
  }
}

/**
 * One fault on a running stack: `faultConcurrency` searches at a time for faultRunMs, the fault at faultAtMs.
 * Returns the outcomes and the nats-server in use afterwards (a restart replaces it).
 */
async function runFault(stack: Stack, settings: B8Settings, nats: NatsServerProcess, fault: FaultName): Promise<{ outcomes: Outcome[]; nats: NatsServerProcess }> {
  const client = new (arborV1().SearchService)(stack.orchestrator, grpc.credentials.createInsecure());
  try {
    const running = closedLoop(client, settings.faultConcurrency, (_started, elapsed) => elapsed >= settings.faultRunMs);
    await sleep(settings.faultAtMs);
    const victim = stack.rewards[0]!;
    let current = nats;
    if (fault === 'sigstop') {
      victim.signal('SIGSTOP');
      await sleep(settings.stopMs);
      victim.signal('SIGCONT');
    } else if (fault === 'sigkill') {
      victim.signal('SIGKILL');
    } else if (fault === 'nats-restart') {
      const port = current.port;
      await current.stop();
      await sleep(settings.natsDownMs);
      current = await startNatsServer({ port, binary: findNatsServer(process.env) ?? 'nats-server' });
    }
    return { outcomes: await running, nats: current };
  } finally {
    client.close();
  }
}

export async function runB8(options: { quick: boolean; progress: (line: string) => void }): Promise<B8Result> {
  const settings = options.quick ? B8_QUICK : B8_FULL;
  const binary = findNatsServer(process.env);
  if (!binary) throw new Error('B8 needs nats-server on PATH (apt-get install nats-server): it restarts its own');
  let nats = await startNatsServer({ binary });
  const levels: B8Level[] = [];
  const faults: B8Fault[] = [];
  try {
    for (const start of [() => startNatsStack(settings, nats, 1), () => startServeAll()]) {
      const stack = await start();
      try {
        await warmUp(stack.orchestrator, 4);
        for (const concurrency of settings.levels) {
          const level = await runLevel(stack, settings, concurrency);
          options.progress(`B8: ${stack.name} at ${concurrency}: ${level.searchesPerSec} searches/s, p99 ${level.p99Ms} ms`);
          levels.push(level);
        }
      } finally {
        await stack.stop();
      }
    }
    // One stack for every fault, the kill last: it leaves a replica fewer.
    const stack = await startNatsStack(settings, nats, settings.rewardReplicas);
    try {
      await warmUp(stack.orchestrator, settings.faultConcurrency);
      let baseP99 = Number.NaN;
      for (const fault of ['none', 'sigstop', 'nats-restart', 'sigkill'] as const) {
        const run = await runFault(stack, settings, nats, fault);
        nats = run.nats;
        const ms = run.outcomes.map((o) => o.ms);
        const p99 = percentile(ms, 99);
        if (fault === 'none') baseP99 = p99;
        options.progress(`B8: ${fault}: ${run.outcomes.length} searches, p99 ${round(p99, 0)} ms`);
        faults.push({
          fault,
          searches: run.outcomes.length,
          p99Ms: round(p99, 1),
          maxMs: round(Math.max(...ms), 1),
          p99Ratio: round(p99 / baseP99, 3),
          excessMs: round(p99 - baseP99, 1),
          failed: failures(run.outcomes),
          hedges: run.outcomes.reduce((sum, o) => sum + Number(o.result?.stats?.hedges ?? 0), 0),
        });
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await nats.stop();
  }

  const top = Math.max(...settings.levels);
  const topNats = levels.find((l) => l.stack === 'nats' && l.concurrency === top);
  const serveAll = levels.filter((l) => l.stack === 'serve-all');
  return {
    benchmark: 'B8',
    quick: options.quick,
    timestamp: new Date().toISOString(),
    machine: describeMachine(),
    parameters: settings,
    levels,
    faults,
    ratios: {
      healthP99ServeAll: atMost(Math.max(...serveAll.map((l) => l.healthP99Ms)), B8_TARGETS.healthP99Ms),
      failedAtTopLevel: atMost(levels.filter((l) => l.concurrency === top).reduce((sum, l) => sum + failedCount(l.failed), 0), 0),
      replicaUseAtTopLevel: topNats?.replicaUse === null || topNats === undefined ? null : atLeast(topNats.replicaUse, B8_TARGETS.replicaUse),
      faultExcessMs: Object.fromEntries(
        faults
          .filter((f) => f.fault !== 'none')
          .map((f) => [f.fault, atMost(f.excessMs, B8_TARGETS.faultExcessMs + (f.fault === 'nats-restart' ? settings.natsDownMs : 0))]),
      ),
    },
  };
}

export function b8Table(result: B8Result): string {
  const failedText = (failed: Record<string, number>) => Object.entries(failed).map(([k, n]) => `${n} ${k}`).join(', ') || '0';
  const load = renderTable(
    ['stack', 'concurrent', 'searches', 'searches/s', 'p50 ms', 'p99 ms', 'failed', 'health p50 ms', 'health p99 ms', 'replica use'],
    result.levels.map((l) => [
      l.stack,
      String(l.concurrency),
      String(l.searches),
      fixed(l.searchesPerSec, 1),
      fixed(l.p50Ms, 0),
      fixed(l.p99Ms, 0),
      failedText(l.failed),
      fixed(l.healthP50Ms, 1),
      fixed(l.healthP99Ms, 1),
      fixed(l.replicaUse, 2),
    ]),
  );
  const excess = result.ratios.faultExcessMs;
  const faults = renderTable(
    ['fault', 'searches', 'p99 ms', 'max ms', 'p99 / fault-free', 'p99 - fault-free ms', 'failed', 'hedges', 'target', ''],
    result.faults.map((f) => {
      const ratio = f.fault === 'none' ? undefined : excess[f.fault];
      return [
        f.fault,
        String(f.searches),
        fixed(f.p99Ms, 0),
        fixed(f.maxMs, 0),
        fixed(f.p99Ratio, 2),
        fixed(f.excessMs, 0),
        failedText(f.failed),
        String(f.hedges),
        ratio?.target ?? '',
        ratio ? metMark(ratio) : '',
      ];
    }),
  );
  const r = result.ratios;
  const lines = [
    `health p99 in serve all: ${fixed(r.healthP99ServeAll.value, 1)} ms (target ${r.healthP99ServeAll.target}) ${metMark(r.healthP99ServeAll)}`,
    `failed at the top level: ${r.failedAtTopLevel.value} (target ${r.failedAtTopLevel.target}) ${metMark(r.failedAtTopLevel)}`,
    ...(r.replicaUseAtTopLevel
      ? [`replica use at the top level (NATS): ${fixed(r.replicaUseAtTopLevel.value, 2)} (target ${r.replicaUseAtTopLevel.target}) ${metMark(r.replicaUseAtTopLevel)}`]
      : []),
  ];
  return `B8 load and faults\n${load}\n\n${faults}\n${lines.join('\n')}`;
}
