import type { Problem__Output } from '@arbor/contracts';
import { UnavailableError } from '@arbor/kit/errors';
import { startFakeModelServerForTest, type FakeModelServer, type FakeReply } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { ValueItem } from '../backend.js';
import { createHttpValue } from './http.js';

const signal = new AbortController().signal;

const math: Problem__Output = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };
const countdown: Problem__Output = { task: 'countdown', id: 'c', question: '4 6', params: { target: '24' } };

function item(problem: Problem__Output, steps: string[]): ValueItem {
  return { problem, state: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } };
}

const json = (body: unknown): FakeReply => ({ kind: 'json', body });

function backendOn(fake: FakeModelServer, model = 'value-head-1', path = '/heads/value') {
  return createHttpValue({ url: `${fake.url}${path}`, model, api: 'completions', timeoutMs: 5_000, maxAttempts: 2 });
}

describe('http value contract', () => {
  it('posts the items to the endpoint and reads one value per item', async () => {
    const server = await startFakeModelServerForTest({ '/heads/value': () => json({ values: [0.25, 1], usage: { prompt_tokens: 77 } }) });
    const result = await backendOn(server).evaluate([item(math, ['6 * 7 = 42', 'The answer is 42.']), item(countdown, [])], signal);
    expect(result.values).toEqual([0.25, 1]);
    expect(result.usage).toMatchObject({ inputTokens: 77, outputTokens: 0, calls: 1, model: 'value-head-1', estimated: false });
    const [req] = server.requestsTo('/heads/value');
    expect(req?.method).toBe('POST');
    expect(req?.body).toEqual({
      model: 'value-head-1',
      items: [
        { task: 'math', question: 'What is 6 times 7?', params: {}, steps: ['6 * 7 = 42', 'The answer is 42.'] },
        { task: 'countdown', question: '4 6', params: { target: '24' }, steps: [] },
      ],
    });
  });

  it('leaves out an unset model and estimates usage the server did not send', async () => {
    const server = await startFakeModelServerForTest({ '/value': () => json({ values: [0.5] }) });
    const result = await backendOn(server, '', '/value').evaluate([item(math, [])], signal);
    expect(server.requestsTo('/value')[0]?.body).not.toHaveProperty('model');
    expect(result.usage.estimated).toBe(true);
    expect(result.usage.inputTokens).toBeGreaterThan(0);
  });

  it('fails clearly on a value outside [0, 1] or the wrong number of values', async () => {
    const server = await startFakeModelServerForTest({ '/heads/value': () => json({ values: [0.5, 1.7] }) });
    const backend = backendOn(server);
    const two = [item(math, []), item(math, ['a'])];
    await expect(backend.evaluate(two, signal)).rejects.toThrow(UnavailableError);
    await expect(backend.evaluate(two, signal)).rejects.toThrow(/values\[1\] = 1\.7; every value must be a probability in \[0, 1\]/);
    server.route('/heads/value', () => json({ values: [0.5] }));
    await expect(backend.evaluate(two, signal)).rejects.toThrow(/returned 1 values for 2 states/);
    server.route('/heads/value', () => json({ scores: [0.5, 0.5] }));
    await expect(backend.evaluate(two, signal)).rejects.toThrow(/malformed reply.*values/);
  });

  it('names the endpoint by origin and path only, never its query string', async () => {
    const server = await startFakeModelServerForTest({ '/heads/value': () => json({ values: [0.5] }) });
    const backend = backendOn(server, 'value-head-1', '/heads/value?api-key=sk-SECRET');
    const two = [item(math, []), item(math, ['a'])];
    const wrongLength = await backend.evaluate(two, signal).catch((e: unknown) => e);
    expect((wrongLength as Error).message).toBe(`value model server at ${server.url}/heads/value returned 1 values for 2 states`);
    server.route('/heads/value', () => ({ kind: 'json', status: 404, body: { detail: 'no such head' } }));
    const refused = await backend.evaluate(two, signal).catch((e: unknown) => e);
    expect((refused as Error).message).toBe(`value model server at ${server.url}/heads/value rejected the request to /value (HTTP 404): no such head`);
    // The key still went to the server, where it belongs.
    expect(server.requests.every((r) => r.path === '/heads/value')).toBe(true);
  });

  it('checks problems against their task', () => {
    const backend = createHttpValue({ url: 'http://127.0.0.1:1/value', model: '', api: 'completions', timeoutMs: 5_000, maxAttempts: 1 });
    expect(() => backend.check(math)).not.toThrow();
    expect(() => backend.check({ ...countdown, question: '4 x' })).toThrow(/problem.question/);
    expect(() => backend.check({ task: 'chess', id: '', question: 'e4', params: {} })).toThrow(/problem.task/);
  });
});
