import type { EvaluateRequest__Output, Problem__Output, Usage } from '@arbor/contracts';
import { readServicePrices } from '@arbor/kit';
import { ArborError, FailedPreconditionError, InvalidArgumentError, UnavailableError } from '@arbor/kit/errors';
import { errorReply, judgeReply, startFakeModelServerForTest } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { ValueBackend, ValueItem } from './backend.js';
import { createJudgeValue } from './backends/openai-judge.js';
import { EvaluateHandler } from './handler.js';

const signal = new AbortController().signal;
const noPrices = readServicePrices('value', {});

function problem(question: string, task = 'countdown'): Problem__Output {
  return { task, id: question, question, params: {} };
}

function request(p: Problem__Output | null, states: string[][]): EvaluateRequest__Output {
  return { problem: p, states: states.map((steps) => ({ steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) })), callId: 'c' };
}

/** Values are a function of the problem and the state, so a misrouted result shows; every call is recorded. */
function recordingBackend(usage: Usage = { inputTokens: 100, outputTokens: 10, calls: 1, model: 'fake-value', estimated: false }) {
  const calls: ValueItem[][] = [];
  const backend: ValueBackend = {
    name: 'fake',
    check(p) {
      if (p.task !== 'countdown') throw new InvalidArgumentError('problem.task', `fake serves countdown only, got "${p.task}"`);
    },
    async evaluate(items) {
      calls.push([...items]);
      await new Promise((r) => setTimeout(r, 1));
      return { values: items.map((item) => valueOf(item.problem.question, item.state.steps.length)), usage: { ...usage } };
    },
  };
  return { backend, calls };
}

const valueOf = (question: string, steps: number) => ((question.length * 7 + steps) % 97) / 97;

describe('EvaluateHandler without batching', () => {
  it('sends each request to the backend as one call and passes its usage through', async () => {
    const { backend, calls } = recordingBackend();
    const handler = new EvaluateHandler(backend, noPrices);
    const response = await handler.evaluate(request(problem('4 9 10 13'), [[], ['a'], ['a', 'b']]), signal);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(3);
    expect(response.values).toEqual([0, 1, 2].map((n) => valueOf('4 9 10 13', n)));
    expect(response.usage).toMatchObject({ inputTokens: 100, outputTokens: 10, calls: 1, costUsd: 0, model: 'fake-value', estimated: false });
    expect(Number(response.usage?.computeMs)).toBeGreaterThan(0);
  });

  it('prices the response from the table', async () => {
    const { backend } = recordingBackend();
    const prices = readServicePrices('value', { ARBOR_VALUE_PRICE_INPUT_PER_MTOK: '1000000', ARBOR_VALUE_PRICE_PER_CALL: '0.5' });
    const response = await new EvaluateHandler(backend, prices).evaluate(request(problem('4 6'), [[]]), signal);
    expect(response.usage?.costUsd).toBeCloseTo(100.5, 9);
  });

  it('checks the envelope and the problem before the backend sees anything', async () => {
    const { backend, calls } = recordingBackend();
    const handler = new EvaluateHandler(backend, noPrices);
    const fieldOf = async (req: EvaluateRequest__Output) => {
      const err = await handler.evaluate(req, signal).catch((e: unknown) => e);
      return err instanceof InvalidArgumentError ? err.field : String(err);
    };
    expect(await fieldOf(request(null, [[]]))).toBe('problem');
    expect(await fieldOf(request(problem('4 6'), []))).toBe('states');
    expect(await fieldOf(request(problem('4 6'), Array.from({ length: 1025 }, () => [])))).toBe('states');
    expect(await fieldOf(request(problem('4 6', 'chess'), [[]]))).toBe('problem.task');
    expect(calls).toHaveLength(0);
  });

  it('refuses a backend answer of the wrong length as an internal error', async () => {
    const backend: ValueBackend = { name: 'bad', check() {}, evaluate: async () => ({ values: [0.5], usage: {} }) };
    const err = await new EvaluateHandler(backend, noPrices).evaluate(request(problem('4 6'), [[], []]), signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArborError);
    expect(err).toMatchObject({ kind: 'internal', message: 'value backend returned 1 values for 2 states' });
  });
});

describe('EvaluateHandler with batching', () => {
  it('gathers concurrent requests into shared backend calls, each caller getting its own values', async () => {
    const { backend, calls } = recordingBackend();
    const handler = new EvaluateHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const questions = Array.from({ length: 10 }, (_, i) => `${i + 1} ${i + 2}`);
    const responses = await Promise.all(questions.map((q) => handler.evaluate(request(problem(q), [[], ['x']]), signal)));
    responses.forEach((r, i) => expect(r.values).toEqual([valueOf(questions[i] as string, 0), valueOf(questions[i] as string, 1)]));
    // 20 states at 8 per call: 3 calls, each mixing problems.
    expect(calls.map((c) => c.length).reduce((a, b) => a + b, 0)).toBe(20);
    expect(calls.length).toBe(3);
    expect(new Set(calls[0]?.map((item) => item.problem.question)).size).toBeGreaterThan(1);
    expect(handler.batchStats).toEqual({ batches: 3, items: 20 });
    // Every caller is billed one call; together they pay exactly what the backend reported.
    for (const r of responses) expect(r.usage?.calls).toBe(1);
    expect(responses.reduce((sum, r) => sum + (r.usage?.inputTokens ?? 0), 0)).toBe(300);
    expect(responses.reduce((sum, r) => sum + (r.usage?.outputTokens ?? 0), 0)).toBe(30);
  });

  it('fails only the caller whose problem the backend cannot serve', async () => {
    const { backend, calls } = recordingBackend();
    const handler = new EvaluateHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const outcomes = await Promise.allSettled([
      handler.evaluate(request(problem('4 6'), [[]]), signal),
      handler.evaluate(request(problem('4 6', 'chess'), [[]]), signal),
      handler.evaluate(request(problem('3 8'), [[]]), signal),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(calls.flat().map((item) => item.problem.task)).toEqual(['countdown', 'countdown']);
  });
});

describe('EvaluateHandler with batching over openai-judge', () => {
  const math = (question: string): Problem__Output => ({ task: 'math', id: question, question, params: {} });
  /** A judge server that refuses, with vLLM's 400, any request holding a prompt that mentions POISON. */
  async function refusingJudge() {
    return startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        if (prompts.some((p) => p.includes('POISON'))) return errorReply(400, "This model's maximum context length is 4096 tokens");
        return judgeReply({ api: 'completions', top: prompts.map(() => ({ ' Yes': Math.log(0.75), ' No': Math.log(0.25) })) });
      },
    });
  }

  it("fails only the caller whose state the server refuses, not the callers sharing its batch", async () => {
    const server = await refusingJudge();
    const backend = createJudgeValue({ url: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 3 });
    const handler = new EvaluateHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const [clean, poisoned] = await Promise.allSettled([
      handler.evaluate(request(math('What is 6 times 7?'), [['6 * 7 = 42']]), signal),
      handler.evaluate(request(math('What is 2 + 2?'), [[], [`POISON ${'x'.repeat(3000)}`]]), signal),
    ]);
    if (clean.status !== 'fulfilled') throw clean.reason;
    expect(clean.value.values?.map((v) => Number(Number(v).toFixed(9)))).toEqual([0.75]);
    expect(poisoned.status).toBe('rejected');
    const err = (poisoned as PromiseRejectedResult).reason as ArborError;
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.kind).toBe('failed_precondition');
    expect(err.message).toContain('maximum context length');
    // The shared batch, then each caller alone; a 400 is never retried.
    expect(server.requestsTo('/v1/completions').map((r) => (r.body.prompt as string[]).length)).toEqual([3, 1, 2]);
    expect(handler.batchStats).toEqual({ batches: 3, items: 6 });
  });

  it('fails every caller of a batch at once when the server is down, without sending it again', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': () => errorReply(503, 'engine is restarting') });
    const backend = createJudgeValue({ url: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 1 });
    const handler = new EvaluateHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const outcomes = await Promise.allSettled([
      handler.evaluate(request(math('What is 6 times 7?'), [[]]), signal),
      handler.evaluate(request(math('What is 2 + 2?'), [[]]), signal),
    ]);
    expect(outcomes.map((o) => (o.status === 'rejected' && o.reason instanceof UnavailableError ? 'unavailable' : o.status))).toEqual(['unavailable', 'unavailable']);
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
  });
});

describe('EvaluateHandler cached prompt tokens (openai-judge on a real HTTP server)', () => {
  /** 20 prompt tokens per prompt (judgeReply), 15 of each reported cached, as vLLM with --enable-prompt-tokens-details does. */
  function cachingJudge() {
    return startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        return judgeReply({ api: 'completions', top: prompts.map(() => ({ ' Yes': Math.log(0.75), ' No': Math.log(0.25) })), cached: 15 * prompts.length });
      },
    });
  }
  const math = (question: string): Problem__Output => ({ task: 'math', id: question, question, params: {} });

  it('reports the cached input tokens of the call in EvaluateResponse.usage', async () => {
    const server = await cachingJudge();
    const backend = createJudgeValue({ url: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 1 });
    const response = await new EvaluateHandler(backend, noPrices).evaluate(request(math('What is 6 times 7?'), [[], ['6 * 7 = 42']]), signal);
    expect(response.usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 30, calls: 1 });
  });

  it('shares a batched call\'s cached tokens out with its input tokens: each caller within its own, all of them in total', async () => {
    const server = await cachingJudge();
    const backend = createJudgeValue({ url: server.baseUrl, model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 1 });
    const handler = new EvaluateHandler(backend, noPrices, { maxItems: 8, maxWaitMs: 20 });
    const responses = await Promise.all([
      handler.evaluate(request(math('What is 6 times 7?'), [['6 * 7 = 42']]), signal),
      handler.evaluate(request(math('What is the sum of the first twenty odd numbers?'), [[], ['1 + 3 + 5 + ... + 39 = 400']]), signal),
    ]);
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
    const total = (key: 'inputTokens' | 'cachedInputTokens') => responses.reduce((sum, r) => sum + (r.usage?.[key] ?? 0), 0);
    expect(total('inputTokens')).toBe(60);
    expect(total('cachedInputTokens')).toBe(45);
    for (const r of responses) expect(r.usage?.cachedInputTokens).toBeLessThanOrEqual(r.usage?.inputTokens ?? 0);
    for (const r of responses) expect(r.usage?.cachedInputTokens).toBeGreaterThan(0);
  });
});
