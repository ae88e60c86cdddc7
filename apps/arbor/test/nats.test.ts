// The orchestrator over a real nats-server: the same trees as in process, load spread over replicas, a replica
// killed mid-run, no responders, NATS restarting, health while NATS is down, and oversize payloads.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, natsRoute, type SearchRequest } from '@arbor/contracts';
import { checkHealth, connectNats, LIVENESS_SERVICE, localNats, sleep, startNatsServer, type LocalNats, type NatsConnection, type NatsResponder } from '@arbor/kit';
import { ResourceExhaustedError, UnavailableError } from '@arbor/kit/errors';
import { createRewardBackend, readRewardConfig, ScoreHandler, serveRewardOnNats } from '@arbor/reward';
import { getTask } from '@arbor/tasks';
import { composeOrchestrator, startServices, type ServingStack } from '../src/compose/services.js';
import { countdownRequest, silent } from './helpers.js';
import { natsOrchestrator, testNamespace, waitForResponders, type NatsOrchestrator } from './nats-helpers.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const countdown = getTask('countdown');
const method = arborV1().SearchService.service.Search;
const decode = (request: SearchRequest) => method.requestDeserialize(method.requestSerialize(request));

function isCorrect(numbers: string, answer: string | undefined): boolean {
  return countdown.verifyAnswer({ task: "countdown", question: numbers, params: { target: "24" } }, answer ?? "");
}

type ModelName = 'policy' | 'value' | 'reward';
const OPERATION = { policy: 'propose', value: 'evaluate', reward: 'score' } as const;

/** Model services serving on NATS from this process (their gRPC servers on free ports, unused here). */
async function natsModels(url: string, namespace: string, names: ModelName[], env: Record<string, string> = {}): Promise<ServingStack> {
  const serving = await startServices(
    names,
    {
      NATS_URL: url,
      ARBOR_NATS_NAMESPACE: namespace,
      ARBOR_POLICY_LISTEN: '127.0.0.1:0',
      ARBOR_VALUE_LISTEN: '127.0.0.1:0',
      ARBOR_REWARD_LISTEN: '127.0.0.1:0',
      ARBOR_SHUTDOWN_GRACE_MS: '500',
      ...env,
    },
    'silent',
  );
  await waitForResponders(url, namespace, names.map((n) => OPERATION[n]));
  return serving;
}

/** Runs `requests` with at most `concurrency` searches at once; resolves every outcome, never rejects. */
async function runAll<T>(count: number, concurrency: number, run: (i: number) => Promise<T>): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await run(i).then(
          (value) => ({ status: 'fulfilled', value }) as const,
          (reason: unknown) => ({ status: 'rejected', reason }) as const,
        );
      }
    }),
  );
  return results;
}

// Puzzles the default search solves for every seed used here, so a failure means the transport lost something.
const PUZZLES = ['4 9 10 13', '3 3 8 8', '1 5 5 5', '2 4 10 10', '2 7 8 11', '4 4 6 8'];

let nats: LocalNats;
beforeAll(async () => {
  nats = await localNats();
});
afterAll(async () => {
  await nats?.stop();
});

describe('search over NATS', () => {
  let models: ServingStack;
  let orchestrator: NatsOrchestrator;
  beforeAll(async () => {
    const namespace = testNamespace();
    models = await natsModels(nats.url, namespace, ['policy', 'value', 'reward']);
    orchestrator = await natsOrchestrator(nats.url, namespace);
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await models?.stop();
  });

  it('builds the same tree as in process for the same seed', async () => {
    const local = composeOrchestrator({}, silent);
    for (const algorithm of [{ mcts: {} }, { beam: {} }, { bestOfN: { n: 8 } }]) {
      const request = decode(countdownRequest('1 5 5 5', { ...algorithm, includeTree: true, seed: '11' }));
      const overNats = await orchestrator.stack.runner.search(request);
      const inproc = await local.runner.search(request);
      expect(overNats.tree?.nodes?.length, JSON.stringify(algorithm)).toBeGreaterThan(1);
      expect(overNats.tree?.nodes).toEqual(inproc.tree?.nodes);
      expect(overNats.answer).toBe(inproc.answer);
      expect(overNats.stats?.modelCalls).toBe(inproc.stats?.modelCalls);
    }
  });

  it('solves searches running side by side, every answer checked', async () => {
    const results = await Promise.all(
      PUZZLES.map((numbers, i) => orchestrator.stack.runner.search(decode(countdownRequest(numbers, { seed: String(i + 1) })))),
    );
    results.forEach((result, i) => {
      expect(result.solved, PUZZLES[i]!).toBe(true);
      expect(isCorrect(PUZZLES[i]!, result.answer)).toBe(true);
    });
  });

  it('refuses an oversize message with a clear error and keeps the connection', async () => {
    const huge = decode(countdownRequest('4 9 10 13', { problem: { task: 'countdown', question: '4 9 10 13', id: 'x'.repeat(300_000) } }));
    await expect(orchestrator.stack.runner.search(huge)).rejects.toThrow(ResourceExhaustedError);
    await expect(orchestrator.stack.runner.search(huge)).rejects.toThrow(/^problem: \d+ bytes encoded; at most 131072/);
    const controller = new AbortController();
    await expect(
      orchestrator.stack.transports.propose(
        { problem: { task: 'countdown', question: '4 9 10 13', id: 'y'.repeat(300_000) }, numCandidates: 1 },
        { signal: controller.signal, deadline: Date.now() + 5_000 },
      ),
    ).rejects.toThrow(/request to \S+ is \d+ bytes; the cap is 262144/);
    expect(orchestrator.nc.isClosed()).toBe(false);
    const next = await orchestrator.stack.runner.search(decode(countdownRequest('4 9 10 13')));
    expect(next.solved).toBe(true);
  });
});

describe('searches bound by their deadline', () => {
  let models: ServingStack;
  let orchestrator: NatsOrchestrator;
  beforeAll(async () => {
    const namespace = testNamespace();
    const latency = { ARBOR_POLICY_EMBEDDED_LATENCY_MS: '40', ARBOR_VALUE_EMBEDDED_LATENCY_MS: '40', ARBOR_REWARD_EMBEDDED_LATENCY_MS: '40' };
    models = await natsModels(nats.url, namespace, ['policy', 'value', 'reward'], latency);
    orchestrator = await natsOrchestrator(nats.url, namespace);
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await models?.stop();
  });

  it('all end STOP_REASON_DEADLINE with their best answer, never model-unavailable', async () => {
    // 1 1 1 1 cannot make 24, so no search ends early: each runs into its deadline with calls in flight.
    const unsolvable = { task: 'countdown', question: '1 1 1 1', params: { target: '24' } };
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        orchestrator.stack.runner.search(
          decode({ problem: unsolvable, bestFirst: {}, budget: { deadlineMs: 200 + 10 * (i % 10) }, seed: String(i + 1) }),
        ),
      ),
    );
    const reasons = results.map((r) => (r.status === 'fulfilled' ? r.value.stopReason : `rejected: ${String(r.reason)}`));
    expect(reasons).toEqual(Array.from({ length: 50 }, () => 'STOP_REASON_DEADLINE'));
  });
});

describe('reward replicas in one queue group', () => {
  it('share the reward calls: each of 3 replicas gets at least 20% over 30 searches', async () => {
    const namespace = testNamespace();
    const models = await natsModels(nats.url, namespace, ['policy', 'value']);
    const connections: NatsConnection[] = [];
    const replicas: NatsResponder[] = [];
    for (let i = 0; i < 3; i++) {
      const nc = await connectNats({ url: nats.url, name: `test-reward-${i}`, logger: silent });
      connections.push(nc);
      const handler = new ScoreHandler(createRewardBackend(readRewardConfig({})));
      replicas.push(serveRewardOnNats({ nc, handler, logger: silent, maxInFlight: 32, namespace }));
      await nc.flush();
    }
    const orchestrator = await natsOrchestrator(nats.url, namespace);
    try {
      const results = await runAll(30, 3, (i) =>
        orchestrator.stack.runner.search(decode(countdownRequest(PUZZLES[i % PUZZLES.length]!, { seed: String(i) }))),
      );
      expect(results.every((r) => r.status === 'fulfilled' && r.value.solved)).toBe(true);
      const served = replicas.map((r) => r.stats.served);
      const total = served.reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThan(30);
      for (const count of served) expect(count / total).toBeGreaterThanOrEqual(0.2);
    } finally {
      await orchestrator.stop();
      for (const r of replicas) await r.stop(100);
      for (const nc of connections) await nc.drain();
      await models.stop();
    }
  });
});

/** `arbor serve reward` as its own process on NATS; resolves once it serves on its subject. */
async function spawnRewardReplica(url: string, namespace: string, latencyMs: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', 'reward', '--listen', '127.0.0.1:0', '--nats-url', url], {
    env: { ...process.env, LOG_LEVEL: 'info', ARBOR_NATS_NAMESPACE: namespace, ARBOR_REWARD_EMBEDDED_LATENCY_MS: String(latencyMs) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`reward replica not serving: ${stderr}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('"msg":"serving on NATS"')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

describe('a reward replica killed mid-run', () => {
  it('costs retries, never a lost node or a wrong answer', async () => {
    const namespace = testNamespace();
    const models = await natsModels(nats.url, namespace, ['policy', 'value']);
    // The victim answers slowly (still well inside the call timeout), so whenever it is killed it holds calls
    // that searches are waiting for: their loss must cost retries, not nodes. The others answer in 20 ms.
    const replicas = await Promise.all([400, 20, 20].map((latencyMs) => spawnRewardReplica(nats.url, namespace, latencyMs)));
    // A short call timeout so a call lost with the dead replica is retried quickly.
    const orchestrator = await natsOrchestrator(nats.url, namespace, { ARBOR_REWARD_TIMEOUT_MS: '1000' });
    let completed = 0;
    try {
      const victim = replicas[0]!;
      const run = runAll(30, 3, async (i) => {
        const numbers = PUZZLES[i % PUZZLES.length]!;
        const result = await orchestrator.stack.runner.search(decode(countdownRequest(numbers, { seed: String(i) })));
        completed++;
        return { numbers, result };
      });
      while (completed < 1) await sleep(5);
      victim.kill('SIGKILL');
      const results = await run;
      let retries = 0;
      for (const outcome of results) {
        expect(outcome.status).toBe('fulfilled');
        if (outcome.status !== 'fulfilled') continue;
        const { numbers, result } = outcome.value;
        expect(result.solved, numbers).toBe(true);
        expect(isCorrect(numbers, result.answer)).toBe(true);
        retries += result.stats?.retries ?? 0;
      }
      expect(retries).toBeGreaterThan(0);
    } finally {
      await orchestrator.stop();
      for (const replica of replicas) replica.kill('SIGKILL');
      await models.stop();
    }
  });
});

describe('failures that must not hang a search', () => {
  it('no responders: UNAVAILABLE well under the call timeout', async () => {
    const orchestrator = await natsOrchestrator(nats.url, testNamespace()); // nobody serves this namespace
    try {
      const started = performance.now();
      await expect(orchestrator.stack.runner.search(decode(countdownRequest('4 9 10 13')))).rejects.toThrow(UnavailableError);
      expect(performance.now() - started).toBeLessThan(5_000); // the policy timeout is 60 s
      const controller = new AbortController();
      await expect(
        orchestrator.stack.transports.propose(
          { problem: { task: 'countdown', question: '4 9 10 13' }, numCandidates: 1 },
          { signal: controller.signal, deadline: Date.now() + 60_000 },
        ),
      ).rejects.toThrow(/^no responders on t\w+\.arbor\.v1\.policy\.propose$/);
    } finally {
      await orchestrator.stop();
    }
  });

  it('NATS restarting mid-search: each search completes or fails cleanly within its deadline', async () => {
    const server = await startNatsServer();
    const namespace = testNamespace();
    const latency = { ARBOR_POLICY_EMBEDDED_LATENCY_MS: '10', ARBOR_VALUE_EMBEDDED_LATENCY_MS: '10', ARBOR_REWARD_EMBEDDED_LATENCY_MS: '10' };
    const models = await natsModels(server.url, namespace, ['policy', 'value', 'reward'], latency);
    const orchestrator = await natsOrchestrator(server.url, namespace, {
      ARBOR_POLICY_TIMEOUT_MS: '1000',
      ARBOR_VALUE_TIMEOUT_MS: '1000',
      ARBOR_REWARD_TIMEOUT_MS: '1000',
    });
    const deadlineMs = 6_000;
    try {
      const run = runAll(6, 2, async (i) => {
        const started = performance.now();
        try {
          const numbers = PUZZLES[i]!;
          return { numbers, result: await orchestrator.stack.runner.search(decode(countdownRequest(numbers, { seed: String(i), budget: { deadlineMs } }))) };
        } finally {
          expect(performance.now() - started).toBeLessThan(deadlineMs + 2_000);
        }
      });
      await sleep(300);
      await server.restart();
      const results = await run;
      for (const outcome of results) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(UnavailableError);
        else if (outcome.value.result.solved) expect(isCorrect(outcome.value.numbers, outcome.value.result.answer)).toBe(true);
        else expect(['STOP_REASON_DEADLINE', 'STOP_REASON_MODEL_UNAVAILABLE', 'STOP_REASON_COMPLETED']).toContain(outcome.value.result.stopReason);
      }
      // Once NATS is back, the same stack serves again.
      const after = await orchestrator.stack.runner.search(decode(countdownRequest('4 9 10 13')));
      expect(after.solved).toBe(true);
    } finally {
      await orchestrator.stop();
      await models.stop();
      await server.stop();
    }
  });

  it('the orchestrator is NOT_SERVING while NATS is unreachable or a model service has no replica, and SERVING again after', async () => {
    const server = await startNatsServer();
    const namespace = testNamespace();
    const common = { NATS_URL: server.url, ARBOR_NATS_NAMESPACE: namespace, ARBOR_SHUTDOWN_GRACE_MS: '500' };
    const models = await startServices(['policy', 'value'], { ...common, ARBOR_POLICY_LISTEN: '127.0.0.1:0', ARBOR_VALUE_LISTEN: '127.0.0.1:0' }, 'silent');
    const startReward = () => startServices(['reward'], { ...common, ARBOR_REWARD_LISTEN: '127.0.0.1:0' }, 'silent');
    let reward = await startReward();
    const serving = await startServices(
      ['orchestrator'],
      { ...common, ARBOR_POLICY_TRANSPORT: 'nats', ARBOR_VALUE_TRANSPORT: 'nats', ARBOR_REWARD_TRANSPORT: 'nats', ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' },
      'silent',
    );
    const address = serving.services[0]!.grpc.address;
    const waitFor = async (status: string) => {
      for (let i = 0; i < 300; i++) {
        if ((await checkHealth(address)) === status) return;
        await sleep(50);
      }
      throw new Error(`health never became ${status}`);
    };
    try {
      await waitFor('SERVING');
      // The only reward replica goes away: no search could score, so the orchestrator leaves the load balancer,
      // while its liveness stays SERVING.
      await reward.stop();
      await waitFor('NOT_SERVING');
      expect(await checkHealth(address, LIVENESS_SERVICE)).toBe('SERVING');
      reward = await startReward();
      await waitFor('SERVING');
      await server.stop();
      await waitFor('NOT_SERVING');
      const again = await startNatsServer({ port: server.port });
      try {
        await waitFor('SERVING');
      } finally {
        await serving.stop();
        await reward.stop();
        await models.stop();
        await again.stop();
      }
    } finally {
      await serving.stop();
      await reward.stop();
      await models.stop();
    }
  });

});
