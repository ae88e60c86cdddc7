import type { Problem__Output, ScoreRequest__Output } from '@arbor/contracts';
import { readServicePrices } from '@arbor/kit';
import { ArborError, FailedPreconditionError, InvalidArgumentError, ItemRejectedError } from '@arbor/kit/errors';
import { errorReply, judgeReply, poolingReply, startFakeModelServerForTest } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { RewardBackend } from './backend.js';
import { createEmbeddedReward } from './backends/embedded.js';
import { createJudgeReward } from './backends/openai-judge.js';
import { prmFormat } from './backends/prm-format.js';
import { createVllmPrmReward } from './backends/vllm-prm.js';
import { ScoreHandler } from './handler.js';

const signal = new AbortController().signal;
const noPrices = readServicePrices('reward', {});

function request(problem: Problem__Output | null, trajectories: string[][]): ScoreRequest__Output {
  return { problem, trajectories: trajectories.map((steps) => ({ steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) })), callId: 'c' };
}

const mathProblem = (n: number): Problem__Output => ({ task: 'math', id: `m${n}`, question: `What is ${n} times 7?`, params: {} });

/**
 * A fake PRM whose rewards are a function of the input text: for "What is N times 7?", step k (from 0) scores
 * N/100 + k/1000, so a caller handed another caller's rows would see the wrong N.
 */
function fakePrmRows(text: string): number[][] {
  const n = Number(/What is (\d+) times 7\?/.exec(text)?.[1]);
  const steps = text.split('<extra_0>').length - 1;
  return Array.from({ length: steps }, (_, k) => {
    const p = n / 100 + k / 1000;
    return [1 - p, p];
  });
}

describe('ScoreHandler micro-batching over vllm-prm', () => {
  it('serves 20 concurrent callers with ceil(20/8) /pooling requests, each getting its own rewards', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map(fakePrmRows), promptTokens: 10 * req.body.input.length }) });
    const backend = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm', api: 'completions', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const callers = Array.from({ length: 20 }, (_, n) => n + 1);
    const responses = await Promise.all(callers.map((n) => handler.score(request(mathProblem(n), [['step one', 'step two']]), new AbortController().signal)));
    expect(server.requestsTo('/pooling')).toHaveLength(Math.ceil(20 / 8));
    responses.forEach((response, i) => {
      const n = callers[i] as number;
      expect(response.rewards?.[0]?.stepRewards?.[0]).toBeCloseTo(n / 100, 12);
      expect(response.rewards?.[0]?.stepRewards?.[1]).toBeCloseTo(n / 100 + 0.001, 12);
      expect(response.usage?.calls).toBe(1);
    });
    // The callers together pay exactly the prompt tokens the server reported.
    expect(responses.reduce((sum, r) => sum + (r.usage?.inputTokens ?? 0), 0)).toBe(200);
  });

  it('fails a caller with a task the backend cannot serve, and only that caller', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map(fakePrmRows) }) });
    const backend = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm', api: 'completions', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 6 }, (_, n) =>
        handler.score(request(n === 2 ? { task: 'chess', id: '', question: 'e4', params: {} } : mathProblem(n + 1), [['only step']]), signal),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((outcomes[2] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidArgumentError);
    expect(server.requestsTo('/pooling').flatMap((r) => r.body.input as string[])).toHaveLength(5);
  });
});

describe('ScoreHandler: one caller at fault in a shared batch', () => {
  it('over openai-judge: only the caller whose step the server refuses fails', async () => {
    // vLLM refuses the whole request when one prompt is over the context length.
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        if (prompts.some((p) => p.includes('POISON'))) return errorReply(400, "This model's maximum context length is 4096 tokens");
        return judgeReply({ api: 'completions', top: prompts.map(() => ({ ' Yes': Math.log(0.6), ' No': Math.log(0.4) })) });
      },
    });
    const backend = createJudgeReward({ baseUrl: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 3, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const [clean, poisoned] = await Promise.allSettled([
      handler.score(request(mathProblem(6), [['6 * 7 = 42']]), signal),
      handler.score(request(mathProblem(2), [['2 * 7 = 14', `POISON ${'x'.repeat(3000)}`]]), signal),
    ]);
    if (clean.status !== 'fulfilled') throw clean.reason;
    expect(clean.value.rewards?.[0]?.stepRewards?.map((r) => Number(Number(r).toFixed(9)))).toEqual([0.6]);
    const err = (poisoned as PromiseRejectedResult).reason as ArborError;
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.kind).toBe('failed_precondition');
    // The shared batch (1 + 2 step prompts), then each caller alone.
    expect(server.requestsTo('/v1/completions').map((r) => (r.body.prompt as string[]).length)).toEqual([3, 1, 2]);
  });

  it('over vllm-prm: only the caller whose trajectory the model reads as another number of steps fails', async () => {
    // The model sees one step too many in any input holding "ки" (a word-like tag the qwen preset leaves alone).
    const server = await startFakeModelServerForTest({
      '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map((text) => [...fakePrmRows(text), ...(text.includes('ки') ? [[0.5, 0.5]] : [])]) }),
    });
    const backend = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm', api: 'completions', timeoutMs: 5_000, maxAttempts: 3, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const outcomes = await Promise.allSettled([
      handler.score(request(mathProblem(5), [['step one']]), signal),
      handler.score(request(mathProblem(9), [['step one ки']]), signal),
      handler.score(request(mathProblem(7), [['step one', 'step two']]), signal),
    ]);
    const [five, nine, seven] = outcomes;
    if (five?.status !== 'fulfilled' || seven?.status !== 'fulfilled' || nine?.status !== 'rejected') throw new Error(`outcomes ${outcomes.map((o) => o.status).join(', ')}`);
    expect(Number(five.value.rewards?.[0]?.stepRewards?.[0])).toBeCloseTo(0.05, 12);
    expect(Number(seven.value.rewards?.[0]?.stepRewards?.[1])).toBeCloseTo(0.071, 12);
    const err = nine.reason as ArborError;
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.message).toBe(`reward model server at ${server.url} returned 2 step scores for 1 steps`);
    expect(server.requestsTo('/pooling').map((r) => (r.body.input as string[]).length)).toEqual([3, 1, 1, 1]);
  });
});

describe('ScoreHandler: a fault of every caller alike in a shared batch', () => {
  const prmFor = (server: { baseUrl: string }, preset: 'qwen2.5-math-prm' = 'qwen2.5-math-prm', positiveIndex?: number) =>
    createVllmPrmReward({
      baseUrl: server.baseUrl,
      model: 'prm',
      api: 'completions',
      timeoutMs: 5_000,
      maxAttempts: 3,
      prm: prmFormat(preset, positiveIndex === undefined ? {} : { positiveIndex }),
    });
  const threeCallers = (handler: ScoreHandler) =>
    Promise.allSettled([5, 9, 7].map((n) => handler.score(request(mathProblem(n), [['step one', 'step two']]), signal)));
  /** Every caller failed with FAILED_PRECONDITION and this message, none as one item's fault. */
  function expectAllFailed(outcomes: PromiseSettledResult<unknown>[], message: string): void {
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const o of outcomes as PromiseRejectedResult[]) {
      expect(o.reason).toBeInstanceOf(FailedPreconditionError);
      expect(o.reason).not.toBeInstanceOf(ItemRejectedError);
      expect((o.reason as ArborError).kind).toBe('failed_precondition');
      expect((o.reason as Error).message).toBe(message);
    }
  }

  it('over vllm-prm, a 404 for a model the server does not serve: one request, every caller fails', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => errorReply(404, 'The model `prm` does not exist.') });
    const handler = new ScoreHandler(prmFor(server), noPrices, { maxItems: 8, maxWaitMs: 20 });
    expectAllFailed(await threeCallers(handler), `reward model server at ${server.url} rejected the request to /pooling (HTTP 404): The model \`prm\` does not exist.`);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
    expect(handler.batchStats).toEqual({ batches: 1, items: 3 });
  });

  it('over vllm-prm, a positive index the rows do not hold: one request, every caller fails', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map(fakePrmRows) }) });
    const handler = new ScoreHandler(prmFor(server, 'qwen2.5-math-prm', 2), noPrices, { maxItems: 8, maxWaitMs: 20 });
    expectAllFailed(await threeCallers(handler), `ARBOR_REWARD_PRM_POSITIVE_INDEX is 2 but the server's rows hold 2 labels (reward model server at ${server.url})`);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('over vllm-prm, rows wider than the labels (a server returning other scores): one request, every caller fails', async () => {
    const server = await startFakeModelServerForTest({
      '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map((text) => text.split('<extra_0>').slice(1).map(() => [0.1, 0.2, 0.3, 0.4])) }),
    });
    const handler = new ScoreHandler(prmFor(server), noPrices, { maxItems: 8, maxWaitMs: 20 });
    // The exact command is asserted in vllm-prm.test.ts.
    const fix = prmFormat('qwen2.5-math-prm').serveHint;
    expectAllFailed(await threeCallers(handler), `reward model server at ${server.url} returned rows of 4 scores; the qwen2.5-math-prm preset reads rows of 2 (one per label): ${fix}`);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('over openai-judge, a server that sends no logprobs: one request, every caller fails', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const reply = judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(() => ({ ' Yes': -0.1 })) });
        if (reply.kind === 'json') for (const c of (reply.body as { choices: { logprobs: unknown }[] }).choices) c.logprobs = null;
        return reply;
      },
    });
    const backend = createJudgeReward({ baseUrl: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 3, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    expectAllFailed(
      await threeCallers(handler),
      `judge model server at ${server.url}/v1 sent no logprobs; the judge needs a server that returns top logprobs`,
    );
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
  });

  it.each([400, 413, 422])('over vllm-prm, HTTP %i for one caller\'s input still fails only that caller', async (status) => {
    const server = await startFakeModelServerForTest({
      '/pooling': (req) => {
        const inputs = req.body.input as string[];
        if (inputs.some((t) => t.includes('POISON'))) return errorReply(status, 'the input is refused');
        return poolingReply({ rows: inputs.map(fakePrmRows) });
      },
    });
    const handler = new ScoreHandler(prmFor(server), noPrices, { maxItems: 8, maxWaitMs: 20 });
    const outcomes = await Promise.allSettled([
      handler.score(request(mathProblem(5), [['step one']]), signal),
      handler.score(request(mathProblem(9), [['POISON']]), signal),
      handler.score(request(mathProblem(7), [['step one']]), signal),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const err = (outcomes[1] as PromiseRejectedResult).reason as ArborError;
    expect(err).toBeInstanceOf(ItemRejectedError);
    expect(err.kind).toBe('failed_precondition');
    expect(err.message).toBe(`reward model server at ${server.url} rejected the request to /pooling (HTTP ${status}): the input is refused`);
    // The shared batch, then each caller alone; none of these statuses is retried.
    expect(server.requestsTo('/pooling').map((r) => (r.body.input as string[]).length)).toEqual([3, 1, 1, 1]);
  });
});

describe('ScoreHandler usage when nothing was sent', () => {
  it.each([
    ['unbatched', { maxItems: 1, maxWaitMs: 0 }],
    ['batched', { maxItems: 8, maxWaitMs: 20 }],
  ] as const)('reports no call for a request of empty trajectories over vllm-prm (%s)', async (_, batching) => {
    const server = await startFakeModelServerForTest({ '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map(fakePrmRows), promptTokens: 40 }) });
    const backend = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm', api: 'completions', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('qwen2.5-math-prm') });
    const handler = new ScoreHandler(backend, noPrices, batching);
    const empty = await handler.score(request(mathProblem(3), [[], []]), signal);
    expect(empty.rewards).toEqual([{ stepRewards: [] }, { stepRewards: [] }]);
    expect(empty.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, model: 'prm', estimated: false });
    expect(server.requestsTo('/pooling')).toHaveLength(0);
    // A request with steps still counts its one call.
    const scored = await handler.score(request(mathProblem(3), [['step one']]), signal);
    expect(scored.usage).toMatchObject({ inputTokens: 40, calls: 1 });
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });
});

describe('ScoreHandler envelope and checks', () => {
  it('keeps the embedded reward answering per request, as before batching existed', async () => {
    const handler = new ScoreHandler(createEmbeddedReward(), noPrices);
    const response = await handler.score(request({ task: 'countdown', id: 'p', question: '4 6', params: {} }, [['6 * 4 = 24 (left: 24)'], []]), signal);
    expect(response.rewards).toEqual([{ stepRewards: [1], outcome: 1 }, { stepRewards: [] }]);
    expect(response.usage).toMatchObject({ calls: 1, costUsd: 0, model: 'embedded/countdown-reward', estimated: true });
  });

  it('names the bad field before the backend sees anything', async () => {
    const handler = new ScoreHandler(createEmbeddedReward(), noPrices);
    const fieldOf = async (req: ScoreRequest__Output) => {
      const err = await handler.score(req, signal).catch((e: unknown) => e);
      return err instanceof InvalidArgumentError ? err.field : String(err);
    };
    expect(await fieldOf(request(null, [[]]))).toBe('problem');
    expect(await fieldOf(request(mathProblem(1), []))).toBe('trajectories');
    expect(await fieldOf(request(mathProblem(1), Array.from({ length: 1025 }, () => [])))).toBe('trajectories');
    expect(await fieldOf(request(mathProblem(1), [[]]))).toBe('problem.task');
    expect(await fieldOf(request({ task: 'countdown', id: '', question: '4 x', params: {} }, [[]]))).toBe('problem.question');
  });

  it('refuses backend answers that do not line up with the request', async () => {
    const rows: RewardBackend = { name: 'bad', check() {}, score: async () => ({ rewards: [{ stepRewards: [] }], usage: {} }) };
    await expect(new ScoreHandler(rows, noPrices).score(request(mathProblem(1), [[], []]), signal)).rejects.toMatchObject({
      kind: 'internal',
      message: 'reward backend returned 1 rows for 2 trajectories',
    });
    const steps: RewardBackend = { name: 'bad', check() {}, score: async () => ({ rewards: [{ stepRewards: [1] }], usage: {} }) };
    const err = await new ScoreHandler(steps, noPrices).score(request(mathProblem(1), [['a', 'b']]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArborError);
    expect(err).toMatchObject({ message: 'reward backend returned 1 step rewards for 2 steps' });
  });
});
