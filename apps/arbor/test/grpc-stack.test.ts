// The four services as separate gRPC servers on port 0: search end to end, the SearchService RPCs,
// bad input, and that the gRPC stack builds the same tree as the in-process one.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest } from '@arbor/contracts';
import { checkHealth } from '@arbor/kit';
import { getTask } from '@arbor/tasks';
import { composeOrchestrator } from '../src/compose/services.js';
import { cancelSearch, countdownRequest, getTree, search, silent, startGrpcStack, streamSearch, type GrpcStack } from './helpers.js';

const countdown = getTask('countdown');
let stack: GrpcStack;

beforeAll(async () => {
  stack = await startGrpcStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('SearchService over gRPC with the model services over gRPC', () => {
  it('every service reports SERVING', async () => {
    for (const server of [stack.orchestrator, ...stack.models]) {
      expect(await checkHealth(server.address)).toBe('SERVING');
    }
  });

  it('solves a puzzle with each algorithm and the answer checks out', async () => {
    const algorithms = [{ mcts: {} }, { beam: {} }, { bestOfN: { n: 64 } }, { dvts: {} }, { bestFirst: {} }, { litesearch: {} }, { rebase: {} }, { particleFilter: {} }];
    for (const algorithm of algorithms) {
      const result = await search(stack.client, countdownRequest('4 9 10 13', algorithm));
      expect(result.solved, JSON.stringify(algorithm)).toBe(true);
      expect(countdown.verifyAnswer({ task: 'countdown', question: '4 9 10 13', params: { target: '24' } }, result.answer)).toBe(true);
      expect(result.stats?.expansions).toBeGreaterThan(0);
      expect(result.stats?.modelCalls).toBeGreaterThanOrEqual(result.stats!.expansions);
      expect(result.stats!.inputTokens + result.stats!.outputTokens).toBeGreaterThan(0);
      expect(result.cost.map((c) => c.service)).toEqual(['policy', 'value', 'reward']);
      expect(result.cost.reduce((n, c) => n + c.calls, 0)).toBe(result.stats?.modelCalls);
      expect(result.traceId).toMatch(/^[0-9a-f]{32}$/);
    }
  });

  it('builds the same tree over gRPC as in process for the same seed', async () => {
    const request = countdownRequest('1 5 5 5', { mcts: {}, includeTree: true, seed: '42' });
    const overGrpc = await search(stack.client, request);
    const local = composeOrchestrator({}, silent);
    const method = arborV1().SearchService.service.Search;
    const inproc = await local.runner.search(method.requestDeserialize(method.requestSerialize(request)));
    expect(overGrpc.tree?.nodes.length).toBeGreaterThan(1);
    expect(overGrpc.tree?.nodes).toEqual(method.responseDeserialize(method.responseSerialize(inproc)).tree?.nodes);
    expect(overGrpc.answer).toBe(inproc.answer);
  });

  it('streams progress events and then the result', async () => {
    const events = await streamSearch(stack.client, countdownRequest('3 3 8 8', { beam: {}, budget: { maxExpansions: 40 } }));
    const last = events.at(-1);
    expect(last?.result?.searchId).toBeTruthy();
    expect(events.slice(0, -1).every((e) => e.progress)).toBe(true);
    expect(events.filter((e) => e.result)).toHaveLength(1);
  });

  it('keeps the tree of a finished search for GetTree', async () => {
    const result = await search(stack.client, countdownRequest('4 9 10 13', { searchId: 'tree-check', mcts: {} }));
    const tree = await getTree(stack.client, 'tree-check');
    expect(tree.nodes).toHaveLength(result.stats!.nodes);
    expect(tree.nodes[0]).toMatchObject({ id: 0, parentId: 0, depth: 0 });
    await expect(getTree(stack.client, 'never-ran')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('cancels a running search, which returns CANCELLED with its best so far', async () => {
    const running = search(
      stack.client,
      countdownRequest('1 1 1 1', { searchId: 'to-cancel', mcts: { simulations: 100000, stopOnSolution: false }, budget: { deadlineMs: 30_000 } }),
    );
    let cancelled = false;
    for (let i = 0; i < 200 && !cancelled; i++) {
      await new Promise((r) => setTimeout(r, 10));
      cancelled = (await cancelSearch(stack.client, 'to-cancel')).cancelled;
    }
    expect(cancelled).toBe(true);
    const result = await running;
    expect(result.stopReason).toBe('STOP_REASON_CANCELLED');
    expect(result.solved).toBe(false);
    expect((await cancelSearch(stack.client, 'to-cancel')).cancelled).toBe(false);
  });

  it('stops at the expansion budget and reports it', async () => {
    const result = await search(stack.client, countdownRequest('1 1 1 1', { mcts: {}, budget: { maxExpansions: 5 } }));
    expect(result.stopReason).toBe('STOP_REASON_MAX_EXPANSIONS');
    expect(result.stats?.expansions).toBe(5);
  });

  it.each([
    [{ problem: { task: 'countdown', question: '4 x 10', params: { target: '24' } } }, 'problem.question'],
    [{ problem: { task: 'countdown', question: '', params: {} } }, 'problem.question'],
    [{ problem: { task: 'countdown', question: '1 2 3 4 5 6 7', params: {} } }, 'problem.question'],
    [{ problem: { task: 'chess', question: '1 2', params: {} } }, 'problem.task'],
    [{}, 'problem'],
    [{ problem: { task: 'countdown', question: '4 9 10 13', params: {} }, beam: { beamWidth: 100000 } }, 'beam.beam_width'],
    [{ problem: { task: 'countdown', question: '4 9 10 13', params: {} }, budget: { maxCostUsd: -1 } }, 'budget.max_cost_usd'],
    [{ problem: { task: 'countdown', question: '4 9 10 13', params: {} }, searchId: 'bad id with spaces' }, 'search_id'],
  ])('answers INVALID_ARGUMENT naming the field for %j', async (request, field) => {
    await expect(search(stack.client, request)).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: expect.stringMatching(new RegExp(`^${field.replace('.', '\\.')}\\b`)),
    });
  });

  it.each([
    [
      { problem: { task: 'countdown', question: '4 9 10 13', params: { tagret: '24' } } },
      'problem.params: unknown key "tagret" for task countdown (did you mean target?); known: target',
    ],
    [
      { problem: { task: 'math', question: 'What is 6 times 7?', params: { refrence: '42' } } },
      'problem.params: unknown key "refrence" for task math (did you mean reference?); known: delimiter, reference',
    ],
    [
      // Sent as a number the proto does not declare; the server decodes it as 99, not as a name.
      { problem: { task: 'countdown', question: '4 9 10 13', params: {} }, bestOfN: { n: 4, vote: 99 } },
      'best_of_n.vote: 99 is not a known value; known: VOTE_UNSPECIFIED (0), VOTE_MAJORITY (1), VOTE_REWARD_WEIGHTED (2), VOTE_BEST (3)',
    ],
    [
      { problem: { task: 'countdown', question: '4 9 10 13', params: {} }, beam: { aggregation: 99 } },
      'beam.aggregation: 99 is not a known value; known: REWARD_AGGREGATION_UNSPECIFIED (0), REWARD_AGGREGATION_LAST (1), REWARD_AGGREGATION_MIN (2), REWARD_AGGREGATION_PRODUCT (3)',
    ],
  ])('refuses an unknown params key or enum value with INVALID_ARGUMENT: %j', async (request, details) => {
    await expect(search(stack.client, request as SearchRequest)).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details });
  });

  it('answers RESOURCE_EXHAUSTED to an oversize request and serves the next one', async () => {
    const huge = countdownRequest('4 9 10 13', { problem: { task: 'countdown', question: '4 9 10 13', id: 'x'.repeat(5 << 20) } });
    await expect(search(stack.client, huge)).rejects.toMatchObject({ code: grpc.status.RESOURCE_EXHAUSTED });
    const next = await search(stack.client, countdownRequest('4 9 10 13'));
    expect(next.solved).toBe(true);
  });

  it('a model service answers bad input with INVALID_ARGUMENT and stays up', async () => {
    const policy = new (arborV1().PolicyService)(stack.models[0]!.address, grpc.credentials.createInsecure());
    const propose = (request: object) =>
      new Promise((resolve, reject) => policy.Propose(request, (err, r) => (err ? reject(err) : resolve(r))));
    await expect(propose({ numCandidates: 3 })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: 'problem: is required' });
    await expect(
      propose({ problem: { task: 'countdown', question: '4 9 10 13' }, numCandidates: 1000 }),
    ).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/^num_candidates/) });
    const ok = (await propose({ problem: { task: 'countdown', question: '4 9 10 13' }, numCandidates: 3, sampling: { seed: '1' } })) as {
      candidates: unknown[];
    };
    expect(ok.candidates).toHaveLength(3);
    policy.close();
  });
});
