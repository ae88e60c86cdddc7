import { setSignalDeadline } from '@arbor/kit';
import { completionsReply, errorReply, useFakeModelServer } from '@arbor/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOpenAiPolicy } from './policy.js';
import { countdownRequest, mathRequest, rejection, signal, testSettings, texts } from './test-support.js';

const PATH = '/v1/completions';
const server = useFakeModelServer();
beforeEach(() => {
  server.route(PATH, () => completionsReply({ choices: [{ text: 'A step.' }] }));
});

describe('openai policy failures', () => {
  it('retries a 429 after the wait the server asks for, then answers', async () => {
    server.enqueue(PATH, errorReply(429, 'slow down', { 'retry-after': '0' }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q', [], 1, { seed: '5' }), signal);
    expect(texts(r)).toEqual(['A step.']);
    const sent = server.requestsTo(PATH);
    expect(sent).toHaveLength(2);
    // The retry is the same request, seed included, so it samples the same steps.
    expect(sent[1]?.body).toEqual(sent[0]?.body);
  });

  it('fails UNAVAILABLE, quoting the server, once the attempts are used up', async () => {
    server.route(PATH, () => errorReply(503, 'model is loading', { 'retry-after': '0' }));
    const err = await rejection(createOpenAiPolicy(testSettings(server.baseUrl, { maxAttempts: 2 })).propose(mathRequest('q'), signal));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain('model is loading');
    expect(err.message).toContain('policy model server');
    expect(server.requestsTo(PATH)).toHaveLength(2);
  });

  it('fails UNAVAILABLE on a reply that is not JSON, or whose choices are malformed, naming the field', async () => {
    server.route(PATH, () => ({ kind: 'raw', text: '<html>Bad gateway</html>' }));
    const notJson = await rejection(createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q'), signal));
    expect(notJson.kind).toBe('unavailable');
    expect(notJson.message).toMatch(/malformed reply.*not JSON/);

    server.route(PATH, () => ({ kind: 'json', body: { model: 'm', choices: [{ index: 0, text: 42, finish_reason: 'stop' }] } }));
    const badText = await rejection(createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q'), signal));
    expect(badText.kind).toBe('unavailable');
    expect(badText.message).toContain('choices.0.text');

    server.route(PATH, () => ({
      kind: 'json',
      body: { model: 'm', choices: [{ index: 0, text: 'x', logprobs: { tokens: ['x'], token_logprobs: [3.5] }, finish_reason: 'stop' }] },
    }));
    const badLogprob = await rejection(createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q'), signal));
    expect(badLogprob.kind).toBe('unavailable');
    expect(badLogprob.message).toContain('choices.0.logprobs.token_logprobs');
  });

  it('fails DEADLINE_EXCEEDED when the server does not answer in time', async () => {
    server.route(PATH, () => ({ kind: 'hang' }));
    const err = await rejection(createOpenAiPolicy(testSettings(server.baseUrl, { timeoutMs: 150, maxAttempts: 1 })).propose(mathRequest('q'), signal));
    expect(err.kind).toBe('deadline_exceeded');
    expect(err.message).toContain('150 ms');
  });

  it('fails UNAUTHENTICATED when the server refuses the key, and FAILED_PRECONDITION on a rejected request', async () => {
    server.route(PATH, () => errorReply(401, 'invalid api key'));
    const denied = await rejection(createOpenAiPolicy(testSettings(server.baseUrl, { apiKey: 'sk-wrong' })).propose(mathRequest('q'), signal));
    expect(denied.kind).toBe('unauthenticated');
    expect(server.requestsTo(PATH)[0]?.headers.authorization).toBe('Bearer sk-wrong');

    server.route(PATH, () => errorReply(400, "This model's maximum context length is 4096 tokens"));
    const rejected = await rejection(createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q'), signal));
    expect(rejected.kind).toBe('failed_precondition');
    expect(rejected.message).toContain('maximum context length');
  });

  it('fails the whole call when one of its parallel requests fails', async () => {
    let calls = 0;
    server.route(PATH, (r) => (calls++ === 1 ? errorReply(500, 'boom') : completionsReply({ choices: Array.from({ length: r.body.n }, (_, i) => ({ text: `S${calls}-${i}` })) })));
    const err = await rejection(createOpenAiPolicy(testSettings(server.baseUrl, { maxN: 2, maxAttempts: 1 })).propose(mathRequest('q', [], 6), signal));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('HTTP 500');
  });

  it("gives up at once when a retry's wait would outlast the call's deadline, split requests included", async () => {
    server.route(PATH, () => errorReply(503, 'busy', { 'retry-after': '30' }));
    const controller = new AbortController();
    setSignalDeadline(controller.signal, Date.now() + 2_000);
    const started = Date.now();
    const err = await rejection(createOpenAiPolicy(testSettings(server.baseUrl, { maxN: 1 })).propose(mathRequest('q', [], 2), controller.signal));
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('deadline');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('rejects bad requests before calling the server, naming the field', async () => {
    const policy = createOpenAiPolicy(testSettings(server.baseUrl));
    const field = async (promise: Promise<unknown>) => (await rejection(promise)).field;
    expect(await field(policy.propose({ ...mathRequest('q'), problem: { task: 'chess', id: '', question: 'e4', params: {} } }, signal))).toBe('problem.task');
    expect(await field(policy.propose({ ...mathRequest('q'), problem: null }, signal))).toBe('problem');
    expect(await field(policy.propose(mathRequest('  '), signal))).toBe('problem.question');
    expect(await field(policy.propose(countdownRequest('4 x 10'), signal))).toBe('problem.question');
    expect(await field(policy.propose(mathRequest('q', [], 0), signal))).toBe('num_candidates');
    expect(await field(policy.propose(mathRequest('q', [], 65), signal))).toBe('num_candidates');
    expect(await field(policy.propose(mathRequest('q', [], 2, { seed: 'abc' }), signal))).toBe('sampling.seed');
    expect(await field(policy.propose(mathRequest('q', [], 2, { seed: '18446744073709551616' }), signal))).toBe('sampling.seed');
    expect(await field(policy.propose(mathRequest('q', [], 2, { temperature: -1 }), signal))).toBe('sampling.temperature');
    expect(await field(policy.propose(mathRequest('q', [], 2, { topP: 1.5 }), signal))).toBe('sampling.top_p');
    expect(server.requests).toHaveLength(0);
  });

  it('does not start work for a cancelled call, and stops a call cancelled mid-request', async () => {
    const policy = createOpenAiPolicy(testSettings(server.baseUrl));
    expect((await rejection(policy.propose(mathRequest('q'), AbortSignal.abort()))).kind).toBe('cancelled');
    server.route(PATH, () => ({ kind: 'hang' }));
    const controller = new AbortController();
    const pending = policy.propose(mathRequest('q'), controller.signal);
    setTimeout(() => controller.abort(), 50);
    expect((await rejection(pending)).kind).toBe('cancelled');
  });
});
