import { afterEach, describe, expect, it } from 'vitest';
import { errorReply, startFakeModelServer, type FakeModelServer } from './fake-model-server.js';
import { completionsReply, poolingReply } from './reply-shapes.js';

let server: FakeModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('fake model server', () => {
  it('answers a route with the completions shape and records the request', async () => {
    server = await startFakeModelServer({
      '/v1/completions': (req) => completionsReply({ choices: [{ text: ` step for ${req.body.prompt}`, logprob: -1 }], usage: { prompt: 7, completion: 4 } }),
    });
    const res = await post(`${server.baseUrl}/completions`, { prompt: 'Q', n: 1 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.object).toBe('text_completion');
    expect(body.choices[0].text).toBe(' step for Q');
    expect(body.choices[0].logprobs.tokens).toEqual([' step', ' for', ' Q']);
    expect(body.choices[0].logprobs.token_logprobs.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(-1);
    expect(body.choices[0].stop_reason).toBe('\n\n');
    expect(body.usage).toEqual({ prompt_tokens: 7, completion_tokens: 4, total_tokens: 11 });
    expect(server.requestsTo('/v1/completions')[0]?.body).toEqual({ prompt: 'Q', n: 1 });
  });

  it('serves queued failures before the handler, then 404 for unknown paths', async () => {
    server = await startFakeModelServer({ '/pooling': () => poolingReply({ rows: [[[0.2, 0.8]]] }) });
    server.enqueue('/pooling', errorReply(429, 'slow down', { 'retry-after': '0' }));
    const first = await post(`${server.url}/pooling`, {});
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('0');
    const second = await post(`${server.url}/pooling`, {});
    expect(((await second.json()) as any).data[0].data).toEqual([[0.2, 0.8]]);
    expect((await post(`${server.url}/nope`, {})).status).toBe(404);
  });

  it('can close the connection mid-body', async () => {
    server = await startFakeModelServer({ '/v1/completions': () => ({ kind: 'hangup' }) });
    const res = await post(`${server.baseUrl}/completions`, {});
    await expect(res.text()).rejects.toThrow();
  });
});
