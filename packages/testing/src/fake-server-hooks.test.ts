// useFakeModelServer and startFakeModelServerForTest: the server lives as long as they say, no longer.
import { describe, expect, it } from 'vitest';
import { startFakeModelServerForTest, useFakeModelServer } from './fake-server-hooks.js';
import { completionsReply } from './reply-shapes.js';

const post = (url: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

describe('useFakeModelServer', () => {
  const server = useFakeModelServer({ '/v1/completions': () => completionsReply({ choices: [{ text: 'a' }] }) });

  it('serves the file from its first test', async () => {
    expect((await post(`${server.baseUrl}/completions`)).status).toBe(200);
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
  });

  it('starts each test with an empty request log, on the same server', async () => {
    expect(server.requests).toHaveLength(0);
    expect((await post(`${server.baseUrl}/completions`)).status).toBe(200);
  });
});

describe('startFakeModelServerForTest', () => {
  let closed = '';

  it('serves the test that started it', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': () => ({ kind: 'json', body: { data: [] } }) });
    expect((await post(`${server.url}/pooling`)).status).toBe(200);
    closed = server.url;
  });

  it('is closed once that test has ended', async () => {
    await expect(post(`${closed}/pooling`)).rejects.toThrow();
  });
});
