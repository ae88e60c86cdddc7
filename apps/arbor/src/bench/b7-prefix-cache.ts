// B7 prefix cache: tree search over several policy model servers, each with a prefix cache (PrefixCacheModel: what
// vLLM's automatic prefix caching does, with a prefill cost per uncached prompt token and a decode cost per output
// token, one batch at a time). Beam search and MCTS over the math samples, each with a long context of its own
// behind a shared system prompt (as few-shot examples or a document would be), against
// 1, 2, 4 and 8 servers, with random, round-robin and prefix-aware routing (ARBOR_POLICY_ROUTING). Reported: the
// cache hit rate (cached ÷ prompt tokens), the prompt tokens prefilled, searches per second and the load spread
// (the busiest server's requests over the mean). Targets at 4 servers: prefix routing keeps >= 85 % of the
// single-server hit rate, gives >= 1.5x random routing's throughput, and no server takes over 1.3x the mean.
// Then its sidecar part (b7-sidecars.ts): the same workload over policy replicas on NATS, with and without replica
// affinity. The workload itself is in b7-workload.ts.
import { createLogger } from '@arbor/kit';
import { PrefixCacheModel, type FakeModelServer } from '@arbor/testing/fake-servers';
import { renderTable } from '../cli/table.js';
import { composeOrchestrator } from '../compose/services.js';
import { atLeast, atMost, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';
import { runSidecars, type B7SidecarRun } from './b7-sidecars.js';
import type { BenchNats } from './nats-env.js';
import {
  B7_FULL,
  B7_QUICK,
  b7AuxiliaryEnv,
  b7PolicyEnv,
  cacheMeasures,
  searchSamples,
  startAuxiliaryServer,
  startPrefixCacheServer,
  type B7Algorithm,
  type B7Routing,
  type B7Settings,
  type CacheMeasures,
} from './b7-workload.js';

export { B7_FULL, B7_QUICK, type B7Algorithm, type B7Routing, type B7Settings } from './b7-workload.js';
export type { B7SidecarRun } from './b7-sidecars.js';

export interface B7Run extends CacheMeasures {
  algorithm: B7Algorithm;
  servers: number;
  routing: B7Routing;
}

export interface B7Result {
  benchmark: 'B7';
  title: string;
  quick: boolean;
  timestamp: string;
  machine: Machine;
  parameters: B7Settings;
  runs: B7Run[];
  /** Policy replicas over NATS, each with a server of its own, with and without replica affinity. */
  sidecars: B7SidecarRun[];
  /** At 4 servers (or the largest run), per algorithm. */
  targets: Array<{ algorithm: B7Algorithm; servers: number; hitRateKept: TargetedRatio; throughputOverRandom: TargetedRatio; loadSpread: TargetedRatio }>;
}

async function runOne(settings: B7Settings, algorithm: B7Algorithm, count: number, routing: B7Routing): Promise<B7Run> {
  const caches = Array.from({ length: count }, () => new PrefixCacheModel(settings.costs));
  const servers: FakeModelServer[] = [];
  try {
    for (const cache of caches) servers.push(await startPrefixCacheServer(cache));
    const aux = await startAuxiliaryServer();
    servers.push(aux);
    const logger = createLogger('b7', { level: 'error' });
    const stack = composeOrchestrator(
      {
        ARBOR_INPROC_WORKERS: '0',
        ...b7PolicyEnv(settings, servers.slice(0, count).map((s) => s.baseUrl)),
        ARBOR_POLICY_ROUTING: routing,
        ...b7AuxiliaryEnv(aux),
      },
      logger,
    );
    const { wallMs, searches } = await searchSamples(settings, algorithm, (request) => stack.runner.search(request)).finally(() => stack.close());
    return { algorithm, servers: count, routing, ...cacheMeasures(caches, searches, wallMs) };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

export async function runB7(options: { quick: boolean; progress: (line: string) => void; nats: BenchNats }): Promise<B7Result> {
  const settings = options.quick ? B7_QUICK : B7_FULL;
  const runs: B7Run[] = [];
  const sidecars: B7SidecarRun[] = [];
  for (const algorithm of settings.algorithms) {
    for (const count of settings.servers) {
      // One server: routing changes nothing, so it runs once, as the baseline of the hit rate.
      for (const routing of count === 1 ? (['prefix'] as const) : settings.routings) {
        const run = await runOne(settings, algorithm, count, routing);
        runs.push(run);
        options.progress(`B7: ${algorithm}, ${count} servers, ${routing}: hit rate ${fixed(run.hitRate, 2)}, ${fixed(run.searchesPerSec, 2)} searches/s`);
      }
    }
  }
  for (const algorithm of settings.algorithms) {
    if (settings.sidecarReplicas === 0) break;
    for (const affinity of [false, true]) {
      const run = await runSidecars(settings, options.nats, algorithm, settings.sidecarReplicas, affinity);
      sidecars.push(run);
      options.progress(`B7: ${algorithm}, ${run.replicas} sidecar replicas, affinity ${affinity ? 'on' : 'off'}: hit rate ${fixed(run.hitRate, 2)}, ${fixed(run.searchesPerSec, 2)} searches/s`);
    }
  }
  const targets = settings.algorithms.map((algorithm) => {
    const at = settings.servers.includes(4) ? 4 : Math.max(...settings.servers);
    const find = (servers: number, routing: B7Routing) => runs.find((r) => r.algorithm === algorithm && r.servers === servers && r.routing === routing);
    const single = find(1, 'prefix');
    const prefix = find(at, 'prefix');
    const random = find(at, 'random');
    return {
      algorithm,
      servers: at,
      hitRateKept: atLeast(single && prefix && single.hitRate > 0 ? prefix.hitRate / single.hitRate : 0, 0.85),
      throughputOverRandom: atLeast(prefix && random ? prefix.searchesPerSec / random.searchesPerSec : 0, 1.5),
      loadSpread: atMost(prefix?.loadSpread ?? Number.POSITIVE_INFINITY, 1.3),
    };
  });
  return {
    benchmark: 'B7',
    title: 'prefix cache',
    quick: options.quick,
    timestamp: new Date().toISOString(),
    machine: describeMachine(),
    parameters: settings,
    runs,
    sidecars,
    targets,
  };
}

export function b7Table(result: B7Result): string {
  const p = result.parameters;
  const rows = result.runs.map((r) => [
    r.algorithm,
    String(r.servers),
    r.routing,
    fixed(r.hitRate, 3),
    String(r.prefillTokens),
    fixed(r.searchesPerSec, 2),
    fixed(r.loadSpread, 2),
  ]);
  return [
    `B7 prefix cache: ${p.problems} math problems with ${p.contextWords} words of context each, ${p.concurrency} at a time, ${p.expansions} expansions each, a ${p.systemPromptWords}-word system prompt; ` +
      `each server: ${p.costs.capacityBlocks} blocks of ${p.costs.blockTokens} tokens, ${p.costs.prefillMsPerToken} ms per uncached prompt token, ${p.costs.decodeMsPerToken} ms per output token${result.quick ? ' (quick)' : ''}`,
    renderTable(['algorithm', 'servers', 'routing', 'hit rate', 'prefill tokens', 'searches/s', 'load spread'], rows),
    ...(result.sidecars.length === 0
      ? []
      : [
          'Sidecars: policy replicas over NATS, each with a model server of its own, with and without replica affinity (ARBOR_NATS_AFFINITY)',
          renderTable(
            ['algorithm', 'replicas', 'affinity', 'hit rate', 'prefill tokens', 'searches/s', 'load spread'],
            result.sidecars.map((r) => [r.algorithm, String(r.replicas), r.affinity ? 'on' : 'off', fixed(r.hitRate, 3), String(r.prefillTokens), fixed(r.searchesPerSec, 2), fixed(r.loadSpread, 2)]),
          ),
        ]),
    ...result.targets.map(
      (t) =>
        `${t.algorithm} at ${t.servers} servers, prefix routing: keeps ${fixed(t.hitRateKept.value * 100, 1)}% of the single-server hit rate (${t.hitRateKept.target}: ${metMark(t.hitRateKept)}), ` +
        `${fixed(t.throughputOverRandom.value, 2)}x random routing's searches/s (${t.throughputOverRandom.target}: ${metMark(t.throughputOverRandom)}), ` +
        `busiest server ${fixed(t.loadSpread.value, 2)}x the mean (${t.loadSpread.target}: ${metMark(t.loadSpread)})`,
    ),
  ].join('\n');
}
