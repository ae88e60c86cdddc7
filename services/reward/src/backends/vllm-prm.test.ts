import type { Problem__Output } from '@arbor/contracts';
import { FailedPreconditionError, InvalidArgumentError, ItemRejectedError } from '@arbor/kit/errors';
import type { Judge } from '@arbor/judge';
import { judgeReply, poolingReply, silent, startFakeModelServerForTest, type FakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { RewardItem } from '../backend.js';
import type { PrmPreset } from '../config.js';
import { MAX_MODEL_OUTCOME } from './model-outcome.js';
import { plusOrMinus, prmFormat } from './prm-format.js';
import { createVllmPrmReward, poolingRoot } from './vllm-prm.js';

const signal = new AbortController().signal;

const math: Problem__Output = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };
const SOLVED = ['6 * 7 = 42', 'The answer is \\boxed{42}.'];

function item(problem: Problem__Output, steps: string[]): RewardItem {
  return { problem, trajectory: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } };
}

function prmOn(fake: FakeModelServer, preset: PrmPreset = 'qwen2.5-math-prm', overrides: { stepTag?: string; positiveIndex?: number } = {}) {
  return createVllmPrmReward({ baseUrl: fake.baseUrl, model: 'prm-7b', api: 'completions', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat(preset, overrides) });
}

describe('vllm-prm with Qwen2.5-Math-PRM', () => {
  it('posts one chat-templated text per trajectory to /pooling at the server root', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0.1, 0.9], [0.3, 0.7]], [[0.6, 0.4]]], promptTokens: 321 }) });
    const result = await prmOn(server).score([item(math, SOLVED), item(math, ['6 * 7 = 48'])], signal);
    const [req] = server.requestsTo('/pooling');
    expect(server.requestsTo('/pooling')).toHaveLength(1);
    expect(req?.body).toEqual({
      model: 'prm-7b',
      input: [
        '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n' +
          '<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n' +
          '<|im_start|>assistant\n6 * 7 = 42<extra_0>The answer is \\boxed{42}.<extra_0><|im_end|><|endoftext|>',
        '<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n' +
          '<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n' +
          '<|im_start|>assistant\n6 * 7 = 48<extra_0><|im_end|><|endoftext|>',
      ],
      encoding_format: 'float',
    });
    // Rows are already probabilities: the step reward is column 1; a finished trajectory's outcome is its last step's.
    expect(result.rewards).toEqual([{ stepRewards: [0.9, 0.7], outcome: 0.7 }, { stepRewards: [0.4] }]);
    expect(result.usage).toMatchObject({ inputTokens: 321, outputTokens: 0, calls: 1, model: 'fake-prm', estimated: false });
  });

  it('applies a softmax to rows that are not probabilities', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0, Math.log(3)], [2, 2]]] }) });
    const [r] = (await prmOn(server).score([item(math, ['a', 'b'])], signal)).rewards;
    expect(r?.stepRewards?.[0]).toBeCloseTo(0.75, 12);
    expect(r?.stepRewards?.[1]).toBeCloseTo(0.5, 12);
  });

  it('keeps a finished trajectory scored [0, 1] below the outcome of a verified answer', async () => {
    // A softmax that rounds to exactly [0, 1] in float32: the model is sure, but a model is not a verifier.
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0, 1], [0, 1]], [[0, 1]]] }) });
    const result = await prmOn(server).score([item(math, SOLVED), item(math, ['6 * 7 = 42'])], signal);
    expect(MAX_MODEL_OUTCOME).toBe(1 - 1e-6);
    // Step rewards stay the model's; only the outcome, which the search takes for proof at 1, is capped.
    expect(result.rewards).toEqual([{ stepRewards: [1, 1], outcome: 1 - 1e-6 }, { stepRewards: [1] }]);
    expect(result.rewards[0]?.outcome).toBeLessThan(1);
  });

  it('fails with FAILED_PRECONDITION, without retrying, when the rows do not match the steps', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0.1, 0.9], [0.2, 0.8], [0.3, 0.7]]] }) });
    const prm = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm-7b', api: 'completions', timeoutMs: 5_000, maxAttempts: 3, prm: prmFormat('qwen2.5-math-prm') });
    const err = await prm.score([item(math, ['a', 'b', 'c', 'd'])], signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPreconditionError);
    // One trajectory's doing: a shared batch is re-run caller by caller.
    expect(err).toBeInstanceOf(ItemRejectedError);
    expect((err as Error).message).toBe(`reward model server at ${server.url} returned 3 step scores for 4 steps`);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('names ARBOR_REWARD_PRM_POSITIVE_INDEX when the rows hold too few labels for it', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0.1, 0.9]]] }) });
    const set = await prmOn(server, 'qwen2.5-math-prm', { positiveIndex: 5 }).score([item(math, ['a'])], signal).catch((e: unknown) => e);
    expect(set).toBeInstanceOf(FailedPreconditionError);
    // The setting fails every caller alike: not one item's fault.
    expect(set).not.toBeInstanceOf(ItemRejectedError);
    expect((set as Error).message).toBe(`ARBOR_REWARD_PRM_POSITIVE_INDEX is 5 but the server's rows hold 2 labels (reward model server at ${server.url})`);
  });

  it.each([[[0.9]], [[0.2, 0.3, 0.5]]])('refuses rows that are not its two labels wide (%j), naming how to serve the model', async (row) => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[row]] }) });
    const prm = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm-7b', api: 'completions', timeoutMs: 5_000, maxAttempts: 3, prm: prmFormat('qwen2.5-math-prm') });
    const err = await prm.score([item(math, ['a'])], signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err).not.toBeInstanceOf(ItemRejectedError);
    expect((err as Error).message).toBe(
      `reward model server at ${server.url} returned rows of ${row.length} scores; the qwen2.5-math-prm preset reads rows of 2 (one per label): ` +
        'start vLLM with `vllm serve Qwen/Qwen2.5-Math-PRM-7B --runner pooling` (older vLLM: --task reward)',
    );
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('sends nothing for trajectories without steps', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0.2, 0.8]]] }) });
    const result = await prmOn(server).score([item(math, []), item(math, ['a']), item(math, [])], signal);
    expect(result.rewards).toEqual([{ stepRewards: [] }, { stepRewards: [0.8] }, { stepRewards: [] }]);
    expect(server.requestsTo('/pooling')[0]?.body.input).toHaveLength(1);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('reports no call and no tokens when every trajectory is empty, as nothing was sent', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => poolingReply({ rows: [[[0.2, 0.8]]] }) });
    const empty = await prmOn(server).score([item(math, []), item(math, [])], signal);
    expect(empty.rewards).toEqual([{ stepRewards: [] }, { stepRewards: [] }]);
    expect(empty.usage).toEqual({ inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, computeMs: empty.usage.computeMs, model: 'prm-7b', estimated: false });
    expect(typeof empty.usage.computeMs).toBe('number');
    expect(server.requestsTo('/pooling')).toHaveLength(0);
  });

  it('estimates usage when the server sends none', async () => {
    const server = await startFakeModelServerForTest({
      '/pooling': () => {
        const reply = poolingReply({ rows: [[[0.2, 0.8]]] });
        if (reply.kind === 'json') delete (reply.body as { usage?: unknown }).usage;
        return reply;
      },
    });
    const { usage } = await prmOn(server).score([item(math, ['a'])], signal);
    expect(usage.estimated).toBe(true);
    expect(usage.inputTokens).toBeGreaterThan(10);
  });

  it('serves countdown and math problems, nothing else', () => {
    const prm = createVllmPrmReward({ baseUrl: 'http://127.0.0.1:1/v1', model: 'm', api: 'completions', timeoutMs: 1000, maxAttempts: 1, prm: prmFormat('qwen2.5-math-prm') });
    expect(() => prm.check(math)).not.toThrow();
    expect(() => prm.check({ task: 'countdown', id: '', question: '4 6', params: {} })).not.toThrow();
    expect(() => prm.check({ task: 'chess', id: '', question: 'e4', params: {} })).toThrow(InvalidArgumentError);
  });
});

describe('vllm-prm with Math-Shepherd (next token after each ки)', () => {
  /** P(+) for the text of one prompt: 0.1 per ки it holds, so each reward says which prefix it came from. */
  const plusFor = (text: string) => {
    const p = text.split('ки').length - 1;
    // Mistral's SentencePiece spells the labels "▁+" and "▁-"; vLLM sends them decoded, with or without the space.
    return { ' +': Math.log(p / 10), '-': Math.log(1 - p / 10), ' The': Math.log(0.001) };
  };

  it('asks /v1/completions for the token after each step\'s ки, never /pooling, and reads P(+)', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(plusFor), model: 'math-shepherd' }),
      '/pooling': () => poolingReply({ rows: [[[0.5, 0.5]]] }),
    });
    const result = await prmOn(server, 'math-shepherd').score([item(math, SOLVED), item(math, []), item(math, ['6 * 7 = 40 + 2'])], signal);
    expect(server.requestsTo('/pooling')).toHaveLength(0);
    const [req] = server.requestsTo('/v1/completions');
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
    // The text of the model card, cut after each step's ки: a causal model sees there what it sees in the whole text.
    expect(req?.body).toEqual({
      model: 'prm-7b',
      prompt: ['What is 6 times 7? 6 * 7 = 42 ки', 'What is 6 times 7? 6 * 7 = 42 ки\nThe answer is \\boxed{42}. ки', 'What is 6 times 7? 6 * 7 = 40 + 2 ки'],
      max_tokens: 1,
      logprobs: 20,
      temperature: 0,
    });
    const rounded = result.rewards.map((r) => ({ ...r, stepRewards: r.stepRewards?.map((x) => Number(Number(x).toFixed(9))), ...(r.outcome !== undefined && { outcome: Number(Number(r.outcome).toFixed(9)) }) }));
    expect(rounded).toEqual([{ stepRewards: [0.1, 0.2], outcome: 0.2 }, { stepRewards: [] }, { stepRewards: [0.1] }]);
    expect(result.usage).toMatchObject({ inputTokens: 60, outputTokens: 3, calls: 1, model: 'math-shepherd', estimated: false });
  });

  it('reports the cached prompt tokens of /v1/completions (each prefix holds the one before it)', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(plusFor), cached: 25 }),
    });
    const result = await prmOn(server, 'math-shepherd').score([item(math, SOLVED), item(math, ['6 * 7 = 40 + 2'])], signal);
    expect(result.usage).toMatchObject({ inputTokens: 60, cachedInputTokens: 25, estimated: false });
  });

  it('scores a step answered with neither label 0.5 and counts it undecided', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(() => ({ ' The': -0.1 })) }) });
    const prm = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm-7b', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('math-shepherd') }) as ReturnType<typeof createVllmPrmReward> & { judge: Judge };
    prm.judge.useLogger(silent);
    const result = await prm.score([item(math, ['a', 'b'])], signal);
    expect(result.rewards).toEqual([{ stepRewards: [0.5, 0.5] }]);
    expect(prm.judge.stats).toEqual({ prompts: 2, undecided: 2 });
  });

  it('sends Ollama one string prompt per step', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': (req) => judgeReply({ api: 'completions', top: [plusFor(req.body.prompt as string)] }) });
    const prm = createVllmPrmReward({ baseUrl: server.baseUrl, model: 'prm-7b', server: 'ollama', timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('math-shepherd') });
    const result = await prm.score([item(math, SOLVED)], signal);
    expect(result.rewards[0]?.stepRewards?.map((x) => Number(Number(x).toFixed(9)))).toEqual([0.1, 0.2]);
    expect(server.requestsTo('/v1/completions').map((r) => typeof r.body.prompt)).toEqual(['string', 'string']);
  });

  it('takes the step tag override', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(() => ({ '+': Math.log(0.7), '-': Math.log(0.3) })) }) });
    const result = await prmOn(server, 'math-shepherd', { stepTag: '<step>' }).score([item(math, ['a'])], signal);
    expect(server.requestsTo('/v1/completions')[0]?.body.prompt).toEqual(['What is 6 times 7? a <step>']);
    expect(result.rewards[0]?.stepRewards?.[0]).toBeCloseTo(0.7, 12);
  });

  it('reads only the + and - labels', () => {
    expect(['+', ' +', '▁+', 'Ġ+', ' + '].map(plusOrMinus)).toEqual(['yes', 'yes', 'yes', 'yes', 'yes']);
    expect(['-', ' -', '▁-'].map(plusOrMinus)).toEqual(['no', 'no', 'no']);
    expect(['++', '+1', ' plus', '', '–'].map(plusOrMinus)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('poolingRoot', () => {
  it('strips a trailing /v1 and slashes', () => {
    expect(poolingRoot('http://h:8000/v1')).toBe('http://h:8000');
    expect(poolingRoot('http://h:8000/v1/')).toBe('http://h:8000');
    expect(poolingRoot('http://h:8000')).toBe('http://h:8000');
    expect(poolingRoot('http://h:8000/prm/v1')).toBe('http://h:8000/prm');
  });
});
