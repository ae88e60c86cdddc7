// Replica affinity over a real nats-server, sidecar style: three `arbor serve policy` processes, each fronting a
// model server of its own with a prefix cache (PrefixCacheModel, reporting cached tokens as vLLM does). With
// affinity, a node's proposals go to the replica that served its parent, whose server still holds the prefix:
// the servers read far more of their prompts from cache than when calls go to whichever replica is least loaded.
// Then the faults: a replica SIGKILLed and one SIGSTOPped mid-run; every search must still be answered.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest, type SearchResult } from '@arbor/contracts';
import { freePort, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { math } from '@arbor/tasks';
import { emulatedServerRoutes, PrefixCacheModel, prefixCachedRoute, startFakeModelServer, testNamespace, type FakeModelServer } from '@arbor/testing';
import { B7_FULL, b7AuxiliaryEnv, b7Search, b7SystemPrompt, startAuxiliaryServer, type B7Settings } from '../src/bench/b7-workload.js';
import { startServices, type ServingStack } from '../src/compose/services.js';
import { startArbor, type ServiceProcess } from '../src/serve-process.js';
import { natsOrchestrator, type NatsOrchestrator } from './nats-helpers.js';

const REPLICAS = 3;
/**
 * B7's workload, smaller and faster: each problem has a context of its own behind a shared system prompt. Each
 * server caches 2 k tokens: about 4 of the 8 trees searched at a time (some 450 tokens of prompt each), so that
 * a server sent calls of every tree evicts one for another, and one sent a third of the trees keeps them. Faster
 * prefill and decode than B7's.
 */
const SETTINGS: B7Settings = { ...B7_FULL, expansions: 8, costs: { ...B7_FULL.costs, capacityBlocks: 128, prefillMsPerToken: 0.05, decodeMsPerToken: 0.5 } };
const codec = arborV1().SearchService.service.Search;

/** One sidecar: a fake vLLM server with a prefix cache of its own. `reset` gives it an empty cache. */
interface Sidecar {
  server: FakeModelServer;
  cache(): PrefixCacheModel;
  reset(): void;
}

async function sidecar(): Promise<Sidecar> {
  let cache = new PrefixCacheModel(SETTINGS.costs);
  const routes = emulatedServerRoutes('vllm');
  const inner = routes['/v1/completions']!;
  const server = await startFakeModelServer({ ...routes, '/v1/completions': (request) => prefixCachedRoute(cache, inner)(request) });
  return { server, cache: () => cache, reset: () => void (cache = new PrefixCacheModel(SETTINGS.costs)) };
}

let nats: NatsServerProcess;
let namespace: string;
let sidecars: Sidecar[] = [];
let replicas: ServiceProcess[] = [];
let aux: FakeModelServer;
let models: ServingStack;
let orchestrator: NatsOrchestrator | undefined;

function policyReplica(server: FakeModelServer): Promise<ServiceProcess> {
  return startArbor('policy', ['policy', '--nats-url', nats.url, '--grace-ms', '500'], {
    ...process.env,
    ARBOR_NATS_NAMESPACE: namespace,
    ARBOR_POLICY_BACKEND: 'openai',
    ARBOR_POLICY_BASE_URL: server.baseUrl,
    ARBOR_POLICY_MODEL: 'fake-model',
    ARBOR_POLICY_SERVER: 'vllm',
    ARBOR_POLICY_SYSTEM_PROMPT: b7SystemPrompt(SETTINGS.systemPromptWords),
  }, { servesNats: true });
}

beforeAll(async () => {
  nats = await startNatsServer({ port: await freePort() });
  namespace = testNamespace();
  sidecars = await Promise.all(Array.from({ length: REPLICAS }, sidecar));
  replicas = await Promise.all(sidecars.map((s) => policyReplica(s.server)));
  // The PRM and the value judge on a server of their own, served in this process: their traffic is not measured.
  aux = await startAuxiliaryServer();
  models = await startServices(
    ['value', 'reward'],
    {
      NATS_URL: nats.url,
      ARBOR_NATS_NAMESPACE: namespace,
      ARBOR_VALUE_LISTEN: '127.0.0.1:0',
      ARBOR_REWARD_LISTEN: '127.0.0.1:0',
      ARBOR_SHUTDOWN_GRACE_MS: '500',
      ...b7AuxiliaryEnv(aux),
    },
    'silent',
  );
}, 60_000);

afterEach(async () => {
  await orchestrator?.stop().catch(() => {});
  orchestrator = undefined;
});

afterAll(async () => {
  for (const replica of replicas) {
    replica.signal('SIGCONT');
    replica.signal('SIGKILL');
  }
  await models?.stop().catch(() => {});
  await Promise.all([aux, ...sidecars.map((s) => s.server)].map((s) => s?.close()));
  await nats?.stop().catch(() => {});
});

/** An orchestrator in this process that has found every policy replica still running. */
async function orchestratorSeeing(count: number, env: Record<string, string> = {}): Promise<NatsOrchestrator> {
  const started = await natsOrchestrator(nats.url, namespace, env);
  expect(await started.awaitReplicas('propose', count)).toBe(true);
  expect(started.stack.discovery!.services.find((s) => s.operation === 'propose')!.replicas.size).toBe(count);
  return started;
}

/**
 * B7 searches (beam), `concurrency` at a time: `count` of them, or as many as start within `forMs` with `fault`
 * run 1 s in. Every outcome, never rejecting.
 */
async function searches(
  target: NatsOrchestrator,
  options: { concurrency: number; count?: number; forMs?: number; fault?: () => void },
): Promise<PromiseSettledResult<SearchResult>[]> {
  const problems = math.SAMPLE_PROBLEMS;
  const results: PromiseSettledResult<SearchResult>[] = [];
  const until = Date.now() + (options.forMs ?? Number.POSITIVE_INFINITY);
  const count = options.count ?? Number.POSITIVE_INFINITY;
  let next = 0;
  const faulted = options.fault ? sleep(1_000).then(options.fault) : Promise.resolve();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < count && Date.now() < until) {
        const index = next++;
        const request: SearchRequest = b7Search('beam', problems[index % problems.length]!, SETTINGS, 1 + index);
        results.push(
          await target.stack.runner.search(codec.requestDeserialize(codec.requestSerialize(request))).then(
            (value) => ({ status: 'fulfilled', value }) as const,
            (reason: unknown) => ({ status: 'rejected', reason }) as const,
          ),
        );
      }
    }),
  );
  await faulted;
  return results;
}

function answered(results: PromiseSettledResult<SearchResult>[]) {
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  return {
    failures,
    ok,
    unavailable: ok.filter((r) => r.stopReason === 'STOP_REASON_MODEL_UNAVAILABLE').length,
    hedges: ok.reduce((sum, r) => sum + Number(r.stats?.hedges ?? 0), 0),
  };
}

/** Cached ÷ prompt tokens over the sidecars' servers since their last reset. */
function hitRate(of: Sidecar[] = sidecars): number {
  const prompt = of.reduce((n, s) => n + s.cache().stats.promptTokens, 0);
  const cached = of.reduce((n, s) => n + s.cache().stats.cachedTokens, 0);
  return prompt === 0 ? 0 : cached / prompt;
}

describe('replica affinity over NATS, with a model server per policy replica', { timeout: 120_000 }, () => {
  it('keeps each tree on the replica whose server holds its prefix: a higher cache hit rate than without affinity', async () => {
    const rates: Record<'on' | 'off', number> = { on: 0, off: 0 };
    const prefilled: Record<'on' | 'off', number> = { on: 0, off: 0 };
    // Without affinity first, so that the replicas' processes are as warm for the run that is asserted on.
    for (const affinity of ['off', 'on'] as const) {
      for (const s of sidecars) s.reset();
      orchestrator = await orchestratorSeeing(REPLICAS, { ARBOR_NATS_AFFINITY: affinity === 'on' ? 'true' : 'false' });
      const { failures, ok, unavailable } = answered(await searches(orchestrator, { count: 16, concurrency: 8 }));
      expect(failures).toEqual([]);
      expect(unavailable).toBe(0);
      expect(ok).toHaveLength(16);
      // What the servers report cached reaches the searches' stats (a discarded hedge's would not, so at most).
      const reported = ok.reduce((sum, r) => sum + Number(r.stats?.cachedInputTokens ?? 0), 0);
      const served = sidecars.reduce((n, s) => n + s.cache().stats.cachedTokens, 0);
      expect(reported).toBeGreaterThan(0);
      expect(reported).toBeLessThanOrEqual(served);
      // Affinity must not pile the calls on some replicas: none takes over 1.5x the mean.
      const requests = sidecars.map((s) => s.cache().stats.requests);
      const mean = requests.reduce((a, b) => a + b, 0) / requests.length;
      expect(Math.max(...requests)).toBeLessThanOrEqual(1.5 * mean);
      rates[affinity] = hitRate();
      prefilled[affinity] = sidecars.reduce((n, s) => n + s.cache().stats.prefillTokens, 0);
      await orchestrator.stop();
      orchestrator = undefined;
    }
    // Bounds with a margin below what this setup gives; `arbor bench b7` (its sidecar part) reports the figures.
    expect(rates.on).toBeGreaterThan(0.65);
    expect(rates.on).toBeGreaterThan(rates.off * 1.15);
    expect(prefilled.off).toBeGreaterThan(prefilled.on * 1.4);
  });

  it('a replica SIGSTOPped mid-run and resumed: every search answered, its calls hedged to the others', async () => {
    orchestrator = await orchestratorSeeing(REPLICAS);
    const stopped = replicas[0]!;
    const results = await searches(orchestrator, {
      concurrency: 4,
      forMs: 6_000,
      fault: () => {
        stopped.signal('SIGSTOP');
        setTimeout(() => stopped.signal('SIGCONT'), 3_000);
      },
    });
    const { failures, ok, unavailable, hedges } = answered(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(ok.length).toBeGreaterThan(8);
    expect(hedges).toBeGreaterThan(0);
  });

  it('a replica SIGKILLed mid-run: every search answered, its trees carried on by the others', async () => {
    orchestrator = await orchestratorSeeing(REPLICAS);
    const killed = replicas[2]!;
    const before = sidecars[2]!.cache().stats.requests;
    const results = await searches(orchestrator, { concurrency: 4, forMs: 5_000, fault: () => killed.signal('SIGKILL') });
    const { failures, ok, unavailable } = answered(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(ok.length).toBeGreaterThan(8);
    // It served some of the run's calls before it died; the others went on with its trees.
    expect(sidecars[2]!.cache().stats.requests).toBeGreaterThan(before);
    expect(await killed.exited).toBeNull();
  });

  it('a replica stopped (SIGTERM) mid-run: it drains, every search answered by the replica left', async () => {
    // Replica 2 was killed above.
    orchestrator = await orchestratorSeeing(REPLICAS - 1);
    const stopped = replicas[1]!;
    const results = await searches(orchestrator, { concurrency: 4, forMs: 5_000, fault: () => stopped.signal('SIGTERM') });
    const { failures, ok, unavailable } = answered(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(ok.length).toBeGreaterThan(8);
    expect(await stopped.exited).toBe(0);
  });
});
