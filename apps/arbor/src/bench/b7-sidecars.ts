// B7 sidecars: replica affinity over NATS. Each policy replica fronts a model server of its own (a vLLM sidecar in
// its pod), so routing happens between replicas, not inside one: the orchestrator sends a node's calls to the
// replica that served its parent (ARBOR_NATS_AFFINITY), or, without affinity, to whichever replica has the most
// room. The same workload and prefix-cache model as B7's in-process runs; the policy replicas, the value and
// reward services and the orchestrator all run in this process, talking over a real nats-server.
import { createLogger } from '@arbor/kit';
import { PrefixCacheModel, type FakeModelServer } from '@arbor/testing/fake-servers';
import { startServices, type ServingStack } from '../compose/services.js';
import { startNatsOrchestrator } from '../compose/nats-orchestrator.js';
import { b7AuxiliaryEnv, b7PolicyEnv, cacheMeasures, searchSamples, startAuxiliaryServer, startPrefixCacheServer, type B7Algorithm, type B7Settings, type CacheMeasures } from './b7-workload.js';
import type { BenchNats } from './nats-env.js';

export interface B7SidecarRun extends CacheMeasures {
  algorithm: B7Algorithm;
  replicas: number;
  affinity: boolean;
}

/** One run: `replicas` policy replicas, each with its own server and cache, searched with affinity on or off. */
export async function runSidecars(settings: B7Settings, nats: BenchNats, algorithm: B7Algorithm, replicas: number, affinity: boolean): Promise<B7SidecarRun> {
  const logger = createLogger('b7', { level: 'error' });
  // A namespace per run: the replicas of an earlier run, still draining, must not take this run's calls.
  const namespace = `${nats.namespace}-${algorithm}-${replicas}-${affinity ? 'a' : 'n'}`;
  const caches = Array.from({ length: replicas }, () => new PrefixCacheModel(settings.costs));
  const servers: FakeModelServer[] = [];
  const stacks: ServingStack[] = [];
  const shared = { NATS_URL: nats.url, ARBOR_NATS_NAMESPACE: namespace, ARBOR_SHUTDOWN_GRACE_MS: '200', LOG_LEVEL: 'error' };
  try {
    for (const cache of caches) {
      const server = await startPrefixCacheServer(cache);
      servers.push(server);
      stacks.push(await startServices(['policy'], { ...shared, ARBOR_POLICY_LISTEN: '127.0.0.1:0', ...b7PolicyEnv(settings, [server.baseUrl]) }, 'error'));
    }
    const aux = await startAuxiliaryServer();
    servers.push(aux);
    stacks.push(await startServices(['value', 'reward'], { ...shared, ARBOR_VALUE_LISTEN: '127.0.0.1:0', ARBOR_REWARD_LISTEN: '127.0.0.1:0', ...b7AuxiliaryEnv(aux) }, 'error'));
    const orchestrator = await startNatsOrchestrator(nats.url, namespace, logger, { ARBOR_NATS_AFFINITY: String(affinity) });
    try {
      if (!(await orchestrator.awaitReplicas('propose', replicas))) throw new Error(`B7: the orchestrator found fewer than ${replicas} policy replicas`);
      const { wallMs, searches } = await searchSamples(settings, algorithm, (request) => orchestrator.stack.runner.search(request));
      return { algorithm, replicas, affinity, ...cacheMeasures(caches, searches, wallMs) };
    } finally {
      await orchestrator.stop();
    }
  } finally {
    await Promise.allSettled(stacks.map((s) => s.stop()));
    await Promise.allSettled(servers.map((s) => s.close()));
  }
}
