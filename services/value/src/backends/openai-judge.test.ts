import type { Problem__Output } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { VALUE_QUESTION } from '@arbor/judge';
import { judgeReply, startFakeModelServerForTest, type FakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { ValueItem } from '../backend.js';
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
