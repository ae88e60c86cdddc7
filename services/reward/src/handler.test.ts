import type { Problem__Output, ScoreRequest__Output } from '@arbor/contracts';
import { readServicePrices } from '@arbor/kit';
import { ArborError, FailedPreconditionError, InvalidArgumentError } from '@arbor/kit/errors';
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
