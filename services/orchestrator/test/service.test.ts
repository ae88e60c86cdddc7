// createOrchestrator as the arbor app uses it: model services handed in by their contracts (here small scripted
// handlers, no service's code), the SearchService served on real gRPC (port 0), and the configuration errors a
// composition can make.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arborV1,
  type PolicyHandler,
  type RewardHandler,
  type SearchResult__Output,
  type SearchServiceClient,
  type Tree__Output,
  type ValueHandler,
} from '@arbor/contracts';
import { ConfigError, checkHealth, sleep, type RunningService } from '@arbor/kit';
import { silent } from '@arbor/testing';
import { createOrchestrator, readOrchestratorConfig, type Orchestrator } from '../src/index.js';
import { shutdownReserveMs } from '../src/service.js';

const usage = { inputTokens: 10, outputTokens: 5, calls: 1, model: 'scripted', estimated: false };

/** Game of 24 on "4 6": one step, 4 * 6 = 24, ends it. */
const calls = { propose: 0, evaluate: 0, score: 0 };
const policy: PolicyHandler = {
  async propose(request) {
    calls.propose += 1;
    expect(request.problem?.question).toBe('4 6');
    const steps = [
      { text: '4 + 6 = 10 (left: 10)', answer: '4+6' },
      { text: '4 * 6 = 24 (left: 24)', answer: '4*6' },
    ].slice(0, request.numCandidates);
    return {
      candidates: steps.map(({ text, answer }) => ({ step: { text, logprob: -0.7, tokens: 8 }, terminal: true, answer })),
      usage,
    };
  },
};
const value: ValueHandler = {
  async evaluate(request) {
    calls.evaluate += 1;
    return { values: request.states.map(() => 0.5), usage };
  },
};
const reward: RewardHandler = {
  async score(request) {
    calls.score += 1;
    return {
      rewards: request.trajectories.map((t) => {
        const right = t.steps.at(-1)?.text.startsWith('4 * 6') ?? false;
        return { stepRewards: t.steps.map(() => (right ? 0.9 : 0.1)), outcome: right ? 0.9 : 0.1 };
      }),
      usage,
    };
  },
};

function unary<T>(call: (callback: (err: grpc.ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

describe('createOrchestrator with model services handed in', () => {
  let orchestrator: Orchestrator;
  let running: RunningService;
  let client: SearchServiceClient;

  beforeAll(async () => {
    orchestrator = createOrchestrator(readOrchestratorConfig({ ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' }), {
      logger: silent,
      handlers: { policy, value, reward },
    });
    running = await orchestrator.serve({ logger: silent, graceMs: 500 });
    client = new (arborV1().SearchService)(running.grpc.address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await running?.stop();
  });

  it('serves searches over gRPC that call exactly those handlers, through the protobuf codec', async () => {
    const before = { ...calls };
    const result = await unary<SearchResult__Output>((cb) =>
      client.Search(
        { searchId: 'four-six', problem: { task: 'countdown', question: '4 6', params: { target: '24' } }, beam: { beamWidth: 1, expansionsPerBeam: 2 }, seed: '1' },
        { deadline: Date.now() + 10_000 },
        cb,
      ),
    );
    expect(result.searchId).toBe('four-six');
    expect(result.solved).toBe(true);
    expect(result.answer).toBe('4*6');
    expect(calls.propose).toBeGreaterThan(before.propose);
    expect(calls.score).toBeGreaterThan(before.score);
    const tree = await unary<Tree__Output>((cb) => client.GetTree({ searchId: 'four-six' }, { deadline: Date.now() + 10_000 }, cb));
    expect(tree.nodes.map((n) => n.step?.text ?? '').sort()).toEqual(['', '4 * 6 = 24 (left: 24)', '4 + 6 = 10 (left: 10)']);
  });

  it('refuses a search with a field missing, naming the field, and keeps serving', async () => {
    await expect(
      unary((cb) => client.Search({ problem: { task: 'countdown', question: '', params: { target: '24' } } }, { deadline: Date.now() + 10_000 }, cb)),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('problem.question') });
    expect(await checkHealth(running.grpc.address, 'arbor.v1.SearchService')).toBe('SERVING');
  });
});

describe('a composition the configuration does not allow', () => {
  it('refuses an in-process service that was not handed in, naming its setting', () => {
    const config = readOrchestratorConfig({});
    expect(() => createOrchestrator(config, { logger: silent, handlers: { policy, value } })).toThrow(ConfigError);
    expect(() => createOrchestrator(config, { logger: silent, handlers: { policy, value } })).toThrow(
      /^ARBOR_REWARD_TRANSPORT: inproc needs the reward service in this process/,
    );
  });

  it('needs no handler for a service reached over gRPC', async () => {
    const config = readOrchestratorConfig({ ARBOR_REWARD_TRANSPORT: 'grpc' });
    let orchestrator: Orchestrator | undefined;
    expect(() => {
      orchestrator = createOrchestrator(config, { logger: silent, handlers: { policy, value } });
    }).not.toThrow();
    await orchestrator?.close();
  });

  it('will not serve with a service reached over NATS but no NATS_URL', async () => {
    const orchestrator = createOrchestrator(readOrchestratorConfig({ ARBOR_POLICY_TRANSPORT: 'nats', ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' }), {
      logger: silent,
      handlers: { value, reward },
    });
    await expect(orchestrator.serve({ logger: silent, graceMs: 0 })).rejects.toThrow(/^NATS_URL: required when a model service is reached over NATS/);
    await orchestrator.close();
  });
});

describe('a drain', () => {
  // A slow policy on a puzzle with no solution: searches run until something stops them.
  const slowPolicy: PolicyHandler = {
    async propose(request, signal) {
      await sleep(50, signal);
      const candidates = Array.from({ length: request.numCandidates }, (_, i) => ({
        step: { text: `1 + 1 = 2 (left: 1 1 2) #${request.prefix?.steps.length ?? 0}.${i}`, logprob: -1, tokens: 8 },
        terminal: false,
        answer: '',
      }));
      return { candidates, usage };
    },
  };
  const unsolvable = { task: 'countdown', question: '1 1 1 1', params: { target: '24' } };

  it('turns health NOT_SERVING at once, refuses new searches, and returns every running search STOP_REASON_SHUTDOWN in time', async () => {
    const graceMs = 1_500;
    const orchestrator = createOrchestrator(readOrchestratorConfig({ ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' }), {
      logger: silent,
      handlers: { policy: slowPolicy, value, reward },
    });
    const running = await orchestrator.serve({ logger: silent, graceMs });
    const client = new (arborV1().SearchService)(running.grpc.address, grpc.credentials.createInsecure());
    try {
      const request = { problem: unsolvable, bestFirst: {}, budget: { deadlineMs: 60_000 } };
      const unaries = [1, 2, 3].map((seed) =>
        unary<SearchResult__Output>((cb) => client.Search({ ...request, seed: String(seed) }, { deadline: Date.now() + 30_000 }, cb)),
      );
      const streamed = new Promise<string[]>((resolve, reject) => {
        const reasons: string[] = [];
        const stream = client.StreamSearch({ ...request, seed: '4' }, { deadline: Date.now() + 30_000 });
        stream.on('data', (event: { result?: SearchResult__Output }) => event.result && reasons.push(event.result.stopReason));
        stream.on('error', reject);
        stream.on('end', () => resolve(reasons));
      });
      await sleep(300);
      expect(orchestrator.runner.runningCount).toBe(4);

      const stopStarted = Date.now();
      const stopped = running.stop();
      // Health answers, and says NOT_SERVING, while the searches wind down.
      expect(await checkHealth(running.grpc.address, '')).toBe('NOT_SERVING');
      expect(await checkHealth(running.grpc.address, 'arbor.v1.SearchService')).toBe('NOT_SERVING');
      await expect(
        unary((cb) => client.Search({ ...request, seed: '9' }, { deadline: Date.now() + 5_000 }, cb)),
      ).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringContaining('draining') });

      const results = await Promise.all(unaries);
      const returnedAfter = Date.now() - stopStarted;
      expect(results.map((r) => r.stopReason)).toEqual(['STOP_REASON_SHUTDOWN', 'STOP_REASON_SHUTDOWN', 'STOP_REASON_SHUTDOWN']);
      for (const result of results) expect(result.stats?.expansions).toBeGreaterThan(0);
      expect(await streamed).toEqual(['STOP_REASON_SHUTDOWN']);
      // Stopped at the grace period less its reserve, and back before the grace period ended.
      expect(returnedAfter).toBeGreaterThanOrEqual(graceMs - shutdownReserveMs(graceMs) - 50);
      expect(returnedAfter).toBeLessThan(graceMs);
      await stopped;
      expect(Date.now() - stopStarted).toBeLessThan(graceMs + 500);
    } finally {
      client.close();
      await running.stop();
    }
  });

  it('ends at once when no search is running', async () => {
    const orchestrator = createOrchestrator(readOrchestratorConfig({ ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' }), {
      logger: silent,
      handlers: { policy, value, reward },
    });
    const running = await orchestrator.serve({ logger: silent, graceMs: 10_000 });
    const started = Date.now();
    await running.stop();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe('shutdownReserveMs', () => {
  it('keeps a fifth of the grace period, at least 250 ms and at most 2 s, never more than the grace', () => {
    expect(shutdownReserveMs(10_000)).toBe(2_000);
    expect(shutdownReserveMs(60_000)).toBe(2_000);
    expect(shutdownReserveMs(5_000)).toBe(1_000);
    expect(shutdownReserveMs(1_000)).toBe(250);
    expect(shutdownReserveMs(100)).toBe(100);
    expect(shutdownReserveMs(0)).toBe(0);
  });
});
