// ListSearches and SearchResult.answers over real gRPC (port 0), with scripted model handlers handed in: a
// best-of-N whose samples reach three different answers a known number of times each.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  arborV1,
  type ListSearchesResponse__Output,
  type PolicyHandler,
  type RewardHandler,
  type SearchResult__Output,
  type SearchServiceClient,
  type Tree__Output,
  type ValueHandler,
} from '@arbor/contracts';
import { sleep, type RunningService } from '@arbor/kit';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { silent } from '@arbor/testing';
import { createOrchestrator, readOrchestratorConfig, type Orchestrator } from '../src/index.js';

const usage = { inputTokens: 10, outputTokens: 5, calls: 1, model: 'scripted', estimated: false, cachedInputTokens: 0 };

// Samples in call order: 4*6 three times, 4+6 twice, 4-6 once (whatever order the samples' calls go out in, the
// counts are these).
const SEQUENCE = ['4*6', '4+6', '4*6', '4-6', '4+6', '4*6'];
const STEP_TEXT: Record<string, string> = { '4*6': '4 * 6 = 24 (left: 24)', '4+6': '4 + 6 = 10 (left: 10)', '4-6': '4 - 6 = -2 (left: -2)' };
let proposals = 0;
let refuse = false;
let slow = false;

const policy: PolicyHandler = {
  async propose(request, signal) {
    if (refuse) throw new InvalidArgumentError('problem.params', 'not served by this scripted policy');
    if (slow) {
      await sleep(40, signal);
      return {
        candidates: [{ step: { text: `1 + 1 = 2 (left: 1 1 2) #${request.prefix?.steps.length ?? 0}`, logprob: -1, tokens: 4 }, terminal: false, answer: '' }],
        usage,
      };
    }
    const answer = SEQUENCE[proposals++ % SEQUENCE.length] ?? '4*6';
    return { candidates: [{ step: { text: STEP_TEXT[answer] ?? '', logprob: -0.5, tokens: 8 }, terminal: true, answer }], usage };
  },
};
const value: ValueHandler = {
  async evaluate(request) {
    return { values: request.states.map(() => 0.5), usage };
  },
};
const reward: RewardHandler = {
  async score(request) {
    return {
      rewards: request.trajectories.map((t) => {
        const score = t.steps.at(-1)?.text.startsWith('4 * 6') ? 0.9 : t.steps.at(-1)?.text.startsWith('4 + 6') ? 0.3 : 0.2;
        return { stepRewards: t.steps.map(() => score), outcome: score };
      }),
      usage,
    };
  },
};

function unary<T>(call: (callback: (err: grpc.ServiceError | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

const problem = { task: 'countdown', id: 'p-46', question: '4 6', params: { target: '24' } };
const bestOfSix = { problem, bestOfN: { n: 6, vote: 'VOTE_MAJORITY' as const, stopOnSolution: false } };

describe('SearchResult.answers and ListSearches', () => {
  let orchestrator: Orchestrator;
  let running: RunningService;
  let client: SearchServiceClient;
  const deadline = () => ({ deadline: Date.now() + 10_000 });
  const search = (request: object) => unary<SearchResult__Output>((cb) => client.Search(request, deadline(), cb));
  const list = (request: object) => unary<ListSearchesResponse__Output>((cb) => client.ListSearches(request, deadline(), cb));

  beforeAll(async () => {
    orchestrator = createOrchestrator(readOrchestratorConfig({ ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0' }), { logger: silent, handlers: { policy, value, reward } });
    running = await orchestrator.serve({ logger: silent, graceMs: 500 });
    client = new (arborV1().SearchService)(running.grpc.address, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await running?.stop();
  });

  it('returns the distinct answers best first: the vote winner, then by trajectories that reached them', async () => {
    proposals = 0;
    const result = await search({ ...bestOfSix, searchId: 'three-answers', answers: 3, seed: '7' });
    expect(result.answer).toBe('4*6');
    expect(result.answers.map((a) => [a.answer, a.trajectories])).toEqual([
      ['4*6', 3],
      ['4+6', 2],
      ['4-6', 1],
    ]);
    expect(result.answers[0]?.score).toBe(result.score);
    expect(result.answers[0]?.trajectory?.steps.map((s) => s.text)).toEqual([STEP_TEXT['4*6']]);
    expect(result.answers[1]?.trajectory?.steps.map((s) => s.text)).toEqual([STEP_TEXT['4+6']]);
    expect(result.answers[1]?.score).toBeCloseTo(0.3);
    expect(result.answers.every((a) => a.verified === false)).toBe(true);
  });

  it('returns no more answers than asked, and none unless asked', async () => {
    proposals = 0;
    expect((await search({ ...bestOfSix, answers: 2 })).answers.map((a) => a.answer)).toEqual(['4*6', '4+6']);
    proposals = 0;
    expect((await search(bestOfSix)).answers).toEqual([]);
  });

  it('refuses more than 100 answers, naming the field', async () => {
    await expect(search({ ...bestOfSix, answers: 101 })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringContaining('answers: must be at most 100'),
    });
  });

  it('lists finished searches newest first, with their figures, and one search with its chosen path', async () => {
    proposals = 0;
    await search({ ...bestOfSix, searchId: 'listed-1' });
    proposals = 0;
    const second = await search({ ...bestOfSix, searchId: 'listed-2' });
    const { searches } = await list({ limit: 2 });
    expect(searches.map((s) => s.searchId)).toEqual(['listed-2', 'listed-1']);
    const [latest] = searches;
    expect(latest).toMatchObject({
      problemId: 'p-46',
      task: 'countdown',
      algorithm: second.algorithm,
      status: 'SEARCH_STATUS_FINISHED',
      stopReason: second.stopReason,
      answer: '4*6',
      traceId: second.traceId,
      error: '',
    });
    expect(latest?.stats?.inputTokens).toBe(second.stats?.inputTokens);
    expect(latest?.cost.map((c) => c.service)).toEqual(['policy', 'value', 'reward']);
    expect(Number(latest?.finishedUnixMs)).toBeGreaterThanOrEqual(Number(latest?.startedUnixMs));
    // The whole list leaves the chosen path out; asking for the one search works it out from the kept tree.
    expect(latest?.chosenPath).toEqual([]);
    const one = await list({ searchId: 'listed-2' });
    expect(one.searches).toHaveLength(1);
    const path = one.searches[0]?.chosenPath ?? [];
    const tree = await unary<Tree__Output>((cb) => client.GetTree({ searchId: 'listed-2' }, deadline(), cb));
    expect(path[0]).toBe(0);
    expect(path.slice(1).map((id) => tree.nodes[id]?.step?.text)).toEqual(second.best?.steps.map((s) => s.text));
  });

  it("shows a running search as running with its progress, and keeps another tenant's searches out", async () => {
    slow = true;
    try {
      const streamed = new Promise<void>((resolve) => {
        const stream = client.StreamSearch({ problem: { ...problem, question: '1 1 1 1' }, searchId: 'slow-one', bestFirst: {}, budget: { deadlineMs: 10_000 } }, deadline());
        stream.on('data', () => undefined);
        stream.on('error', () => resolve());
        stream.on('end', () => resolve());
      });
      let summary;
      for (let i = 0; i < 50; i++) {
        await sleep(50);
        summary = (await list({ searchId: 'slow-one' })).searches[0];
        if ((summary?.stats?.expansions ?? 0) > 0) break;
      }
      expect(summary?.status).toBe('SEARCH_STATUS_RUNNING');
      expect(summary?.stopReason).toBe('STOP_REASON_UNSPECIFIED');
      expect(summary?.stats?.expansions).toBeGreaterThan(0);
      expect(orchestrator.runner.listSearches('someone-else', 0)).toEqual([]);
      await unary((cb) => client.CancelSearch({ searchId: 'slow-one' }, deadline(), cb));
      await streamed;
      const ended = (await list({ searchId: 'slow-one' })).searches[0];
      expect(ended?.status).toBe('SEARCH_STATUS_FINISHED');
      expect(ended?.stopReason).toBe('STOP_REASON_CANCELLED');
    } finally {
      slow = false;
    }
  });

  it('shows a refused search as failed, with the status it ended with', async () => {
    refuse = true;
    try {
      await expect(search({ ...bestOfSix, searchId: 'refused' })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
    } finally {
      refuse = false;
    }
    const failed = (await list({ searchId: 'refused' })).searches[0];
    expect(failed?.status).toBe('SEARCH_STATUS_FAILED');
    expect(failed?.error).toMatch(/^INVALID_ARGUMENT: problem\.params/);
  });

  it('refuses a limit over 1000, naming it', async () => {
    await expect(list({ limit: 1001 })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringContaining('limit') });
  });
});
