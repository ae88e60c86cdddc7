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
import { ConfigError, checkHealth, type RunningService } from '@arbor/kit';
import { silent } from '@arbor/testing';
import { createOrchestrator, readOrchestratorConfig, type Orchestrator } from '../src/index.js';

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
