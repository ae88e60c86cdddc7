import type { Problem__Output } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { VALUE_QUESTION } from '@arbor/judge';
import { capturingLogger, judgeReply, modelsReply, silent, startFakeModelServerForTest, type FakeModelServer, type FakeRequest } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { ValueItem } from '../backend.js';
import { readValueConfig } from '../config.js';
import { createValueBackend } from './index.js';
import { createJudgeValue } from './openai-judge.js';

const signal = new AbortController().signal;

const math: Problem__Output = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };
const countdown: Problem__Output = { task: 'countdown', id: 'c', question: '4 6', params: {} };

function item(problem: Problem__Output, steps: string[]): ValueItem {
  return { problem, state: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } };
}

function backendOn(fake: FakeModelServer, api: 'completions' | 'chat') {
  return createJudgeValue({ url: fake.baseUrl, model: 'judge', api, timeoutMs: 5_000, maxAttempts: 1 });
}

describe('openai-judge value', () => {
  it('asks a batch of mixed problems in one completions request and returns P(yes) per state', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': () => judgeReply({ api: 'completions', top: [{ ' Yes': Math.log(0.8), ' No': Math.log(0.2) }, { ' Yes': Math.log(0.25), ' No': Math.log(0.75) }] }),
    });
    const result = await backendOn(server, 'completions').evaluate([item(math, ['6 * 7 = 42']), item(countdown, [])], signal);
    expect(result.values[0]).toBeCloseTo(0.8, 12);
    expect(result.values[1]).toBeCloseTo(0.25, 12);
    expect(result.usage).toMatchObject({ inputTokens: 40, outputTokens: 2, calls: 1, model: 'fake-judge', estimated: false });
    const [req] = server.requestsTo('/v1/completions');
    const prompts = req?.body.prompt as string[];
    expect(prompts).toHaveLength(2);
    expect(prompts[0]).toContain('What is 6 times 7?');
    expect(prompts[0]).toContain('6 * 7 = 42');
    expect(prompts[0]).toContain(VALUE_QUESTION);
    expect(prompts[1]).toContain('Input: 4 6');
  });

  it('asks one chat request per state', async () => {
    const server = await startFakeModelServerForTest({ '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [{ Yes: Math.log(0.6), No: Math.log(0.4) }] }) });
    const result = await backendOn(server, 'chat').evaluate([item(math, []), item(math, ['a']), item(math, ['a', 'b'])], signal);
    expect(result.values.map((v) => Number(v.toFixed(9)))).toEqual([0.6, 0.6, 0.6]);
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(3);
  });

  it('refuses a task the judge cannot render', () => {
    const backend = createJudgeValue({ url: 'http://127.0.0.1:1/v1', model: 'judge', api: 'completions', timeoutMs: 5_000, maxAttempts: 1 });
    expect(() => backend.check({ task: 'chess', id: '', question: 'e4', params: {} })).toThrow(InvalidArgumentError);
    expect(() => backend.check(math)).not.toThrow();
  });
});

/** P(yes) = 0.6 for every prompt of a completions request, whether its prompt is a list or a string. */
const sixTenths = (req: FakeRequest) =>
  judgeReply({ api: 'completions', top: (Array.isArray(req.body.prompt) ? req.body.prompt : [req.body.prompt]).map(() => ({ ' Yes': Math.log(0.6), ' No': Math.log(0.4) })) });

describe('openai-judge value per server (ARBOR_VALUE_SERVER)', () => {
  const settings = (fake: FakeModelServer, extra: Record<string, string> = {}) =>
    readValueConfig({ ARBOR_VALUE_BACKEND: 'openai-judge', ARBOR_VALUE_BASE_URL: fake.baseUrl, ARBOR_VALUE_MODEL: 'judge', ...extra });

  it('defaults to auto, with the API left to the server', () => {
    const config = readValueConfig({ ARBOR_VALUE_BACKEND: 'openai-judge', ARBOR_VALUE_BASE_URL: 'http://127.0.0.1:8000/v1', ARBOR_VALUE_MODEL: 'judge' });
    expect(config.ARBOR_VALUE_SERVER).toBe('auto');
    expect(config.ARBOR_VALUE_API).toBeUndefined();
    expect(() => readValueConfig({ ARBOR_VALUE_SERVER: 'tgi' })).toThrow(/ARBOR_VALUE_SERVER: expected one of auto, vllm, sglang, llama.cpp, ollama, openai, other/);
  });

  it('sends Ollama one string prompt per state', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': sixTenths });
    const backend = createValueBackend(settings(server, { ARBOR_VALUE_SERVER: 'ollama' }));
    await backend.start?.(silent, signal);
    const result = await backend.evaluate([item(math, []), item(math, ['6 * 7 = 42'])], signal);
    expect(result.values.map((v) => Number(v.toFixed(9)))).toEqual([0.6, 0.6]);
    const prompts = server.requestsTo('/v1/completions').map((r) => r.body.prompt);
    expect(prompts).toHaveLength(2);
    expect(prompts.every((p) => typeof p === 'string' && p.endsWith(`${VALUE_QUESTION}\nAnswer:`))).toBe(true);
  });

  it('asks an auto server what it is when the service starts, and logs the answer without any problem text', async () => {
    const server = await startFakeModelServerForTest({ '/v1/models': () => modelsReply({ ownedBy: 'sglang' }), '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [{ Yes: Math.log(0.6), No: Math.log(0.4) }] }) });
    const log = capturingLogger('value');
    const backend = createValueBackend(settings(server, { ARBOR_VALUE_API: 'chat' }));
    await backend.start?.(log.logger, signal);
    expect(server.requestsTo('/v1/models')).toHaveLength(1);
    expect(log.at('info')).toEqual([expect.objectContaining({ msg: 'judge server', server: 'sglang', api: 'chat' })]);
    await backend.evaluate([item(math, ['6 * 7 = 42'])], signal);
    // SGLang renders the chat template with it: a thinking judge answers at once.
    expect(server.requestsTo('/v1/chat/completions')[0]?.body.chat_template_kwargs).toEqual({ enable_thinking: false });
    expect(server.requestsTo('/v1/models')).toHaveLength(1);
    expect(JSON.stringify(log.lines)).not.toContain('6 times 7');
  });
});
