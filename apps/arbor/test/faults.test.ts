// Faults on a real NATS stack, with three reward replicas as their own processes: one SIGSTOPped and resumed,
// one SIGKILLed, and nats-server restarted, each while 8 searches run at a time. Every search must be answered,
// and the faults must be worked around by hedges or re-sends. Counts and states only: how long the faults cost is
// what `arbor bench faults` (B8) measures.
import { afterEach, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest, type SearchResult } from '@arbor/contracts';
import { freePort, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { startServices, type ServingStack } from '../src/compose/services.js';
import { startArbor, type ServiceProcess } from '../src/serve-process.js';
import { countdownRequest } from './helpers.js';
import { natsOrchestrator, testNamespace, type NatsOrchestrator } from './nats-helpers.js';

const method = arborV1().SearchService.service.Search;
const decode = (request: SearchRequest) => method.requestDeserialize(method.requestSerialize(request));
const PUZZLES = ['4 9 10 13', '3 3 8 8', '1 5 5 5', '2 4 10 10', '2 7 8 11', '4 4 6 8', '1 2 7 7', '3 9 11 13'];
const LATENCY_MS = '20';

/** `arbor serve reward` as its own process, ready once it serves on NATS. */
function rewardReplica(natsUrl: string, namespace: string): Promise<ServiceProcess> {
  return startArbor('reward', ['reward', '--nats-url', natsUrl, '--grace-ms', '500'], { ...process.env, ARBOR_NATS_NAMESPACE: namespace, ARBOR_REWARD_EMBEDDED_LATENCY_MS: LATENCY_MS }, { servesNats: true });
}

interface Stack {
  nats: NatsServerProcess;
  replicas: ServiceProcess[];
  models: ServingStack;
  orchestrator: NatsOrchestrator;
}

let stack: Stack | undefined;

async function startStack(): Promise<Stack> {
  const nats = await startNatsServer({ port: await freePort() });
  const namespace = testNamespace();
  const replicas = await Promise.all([0, 1, 2].map(() => rewardReplica(nats.url, namespace)));
  const models = await startServices(
    ['policy', 'value'],
    {
      NATS_URL: nats.url,
      ARBOR_NATS_NAMESPACE: namespace,
      ARBOR_POLICY_LISTEN: '127.0.0.1:0',
      ARBOR_VALUE_LISTEN: '127.0.0.1:0',
      ARBOR_POLICY_EMBEDDED_LATENCY_MS: LATENCY_MS,
      ARBOR_VALUE_EMBEDDED_LATENCY_MS: LATENCY_MS,
      ARBOR_SHUTDOWN_GRACE_MS: '500',
    },
    'silent',
  );
  const orchestrator = await natsOrchestrator(nats.url, namespace);
  // Until discovery has seen all three, calls would go to the queue group only.
  for (const [operation, count] of [['score', 3], ['propose', 1], ['evaluate', 1]] as const) await orchestrator.awaitReplicas(operation, count);
  return { nats, replicas, models, orchestrator };
}

afterEach(async () => {
  if (!stack) return;
  for (const replica of stack.replicas) {
    replica.signal('SIGCONT');
    replica.signal('SIGKILL');
  }
  await stack.orchestrator.stop().catch(() => {});
  await stack.models.stop().catch(() => {});
  await stack.nats.stop().catch(() => {});
  stack = undefined;
});

/**
 * Runs searches 8 at a time for `durationMs`, and `fault` once they are under way. Resolves with every search's
 * outcome, never rejecting.
 */
async function underFault(orchestrator: NatsOrchestrator, durationMs: number, fault: () => Promise<void>): Promise<PromiseSettledResult<SearchResult>[]> {
  const results: PromiseSettledResult<SearchResult>[] = [];
  const until = Date.now() + durationMs;
  let next = 0;
  const worker = async () => {
    while (Date.now() < until) {
      const i = next++;
      const request = decode(countdownRequest(PUZZLES[i % PUZZLES.length]!, { seed: String(i + 1) }));
      results.push(
        await orchestrator.stack.runner.search(request).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        ),
      );
    }
  };
  const workers = Array.from({ length: 8 }, worker);
  await sleep(1_000);
  await fault();
  await Promise.all(workers);
  return results;
}

function summary(results: PromiseSettledResult<SearchResult>[]) {
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  const answered = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const unavailable = answered.filter((r) => r.stopReason === 'STOP_REASON_MODEL_UNAVAILABLE').length;
  const hedges = answered.reduce((sum, r) => sum + Number(r.stats?.hedges ?? 0), 0);
  return { failures, searches: results.length, unavailable, hedges };
}

describe('faults on a NATS stack with 3 reward replicas', { timeout: 120_000 }, () => {
  it('a replica SIGSTOPped mid-run and resumed: every search answered, the hung replica hedged around', async () => {
    stack = await startStack();
    const stopped = stack.replicas[0]!;
    const results = await underFault(stack.orchestrator, 6_000, async () => {
      stopped.signal('SIGSTOP');
      setTimeout(() => stopped.signal('SIGCONT'), 3_000);
    });
    const { failures, searches, unavailable, hedges } = summary(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(searches).toBeGreaterThan(8);
    expect(hedges).toBeGreaterThan(0);
  });

  it('a replica SIGKILLed mid-run: every search answered, its calls in flight hedged to the others', async () => {
    stack = await startStack();
    const results = await underFault(stack.orchestrator, 5_000, async () => {
      stack!.replicas[1]!.signal('SIGKILL');
    });
    const { failures, searches, unavailable, hedges } = summary(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(searches).toBeGreaterThan(8);
    expect(hedges).toBeGreaterThan(0);
  });

  it('nats-server restarted mid-run: every search answered, calls in flight re-sent when the connection is back', async () => {
    stack = await startStack();
    const { port } = stack.nats;
    const results = await underFault(stack.orchestrator, 6_000, async () => {
      await stack!.nats.stop();
      await sleep(1_000);
      stack!.nats = await startNatsServer({ port });
    });
    const { failures, searches, unavailable, hedges } = summary(results);
    expect(failures).toEqual([]);
    expect(unavailable).toBe(0);
    expect(searches).toBeGreaterThan(8);
    expect(hedges).toBeGreaterThan(0);
  });
});
