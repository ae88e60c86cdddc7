// The pooled client over real HTTP servers: children of one prompt go where it went, a server that goes away is
// left for the others without failing the request, and a DNS name's addresses become the servers.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPooledModelHttpClient } from './pooled-client.js';
import { PREFIX_BLOCK_CHARS } from './prefix-index.js';
import { completionsReplySchema } from './schemas.js';

const servers: Server[] = [];

/** A completions server that answers with its own name, and counts what it was sent. */
async function modelServer(name: string): Promise<{ url: string; prompts: string[]; server: Server }> {
  const prompts: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      prompts.push((JSON.parse(body) as { prompt: string }).prompt);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ choices: [{ index: 0, text: name, finish_reason: 'stop' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, prompts, server };
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const block = (c: string) => c.repeat(PREFIX_BLOCK_CHARS);
const signal = new AbortController().signal;
const options = { timeoutMs: 2_000, maxAttempts: 1, label: (url: string) => `policy model server at ${url}`, pool: { routing: 'prefix' as const, loadFactor: 1.25 } };

describe('pooled model client', () => {
  it('sends a node\'s children to the server that served its prompt, and a server that died is left for another', async () => {
    const [a, b] = await Promise.all([modelServer('a'), modelServer('b')]);
    const client = createPooledModelHttpClient({ ...options, baseUrls: [a.url, b.url] });
    const root = block('r') + block('s');
    const ask = async (prompt: string) => (await client.postJson('/completions', { prompt }, completionsReplySchema, signal)).choices[0]!.text;
    const home = await ask(root);
    expect(await ask(root + block('1'))).toBe(home);
    expect(await ask(root + block('2'))).toBe(home);
    const other = await ask(block('x') + block('y'));
    expect(other).not.toBe(home);

    // The home server goes away: the next child is answered by the other, and the dead one is avoided.
    const dead = home === 'a' ? a : b;
    dead.server.closeAllConnections();
    await new Promise((resolve) => dead.server.close(resolve));
    expect(await ask(root + block('3'))).toBe(other);
    const avoided = client.pool.servers.find((s) => s.url === dead.url)!;
    expect(avoided.unhealthyUntil).toBeGreaterThan(Date.now());
    expect(await ask(root + block('4'))).toBe(other);
    client.close();
  });

  it('a server that hangs through its timeout is left for another, as one that refuses connections', async () => {
    const [a, b] = await Promise.all([modelServer('a'), modelServer('b')]);
    a.server.removeAllListeners('request');
    a.server.on('request', () => undefined);
    const client = createPooledModelHttpClient({ ...options, timeoutMs: 200, baseUrls: [a.url, b.url], pool: { routing: 'round_robin', loadFactor: 1.25 } });
    const reply = await client.postJson('/completions', { prompt: 'p' }, completionsReplySchema, signal);
    expect(reply.choices[0]!.text).toBe('b');
    expect(client.pool.servers.find((s) => s.url === a.url)!.unhealthyUntil).toBeGreaterThan(Date.now());
    a.server.closeAllConnections();
    client.close();
  });

  it('a malformed reply is the request\'s failure, not the server\'s: no other server is asked, none avoided', async () => {
    const [a, b] = await Promise.all([modelServer('a'), modelServer('b')]);
    a.server.removeAllListeners('request');
    a.server.on('request', (_req, res) => res.end('{"not": "a reply"}'));
    const client = createPooledModelHttpClient({ ...options, baseUrls: [a.url, b.url], pool: { routing: 'round_robin', loadFactor: 1.25 } });
    await expect(client.postJson('/completions', { prompt: 'p' }, completionsReplySchema, signal)).rejects.toThrow(/malformed reply/);
    expect(b.prompts).toHaveLength(0);
    expect(client.pool.servers.every((s) => s.unhealthyUntil === 0)).toBe(true);
    client.close();
  });

  it('takes its servers from a name\'s addresses, looked up again: one added, one gone', async () => {
    const a = await modelServer('a');
    const port = new URL(a.url).port;
    let addresses = ['127.0.0.1'];
    const client = createPooledModelHttpClient({ ...options, baseUrls: [`http://models.internal:${port}/v1`], resolveEveryMs: 60_000, resolve: async () => addresses });
    await client.refresh();
    expect(client.pool.servers.map((s) => s.url)).toEqual([`http://127.0.0.1:${port}/v1`]);
    expect((await client.postJson('/completions', { prompt: 'hi' }, completionsReplySchema, signal)).choices[0]!.text).toBe('a');
    addresses = ['127.0.0.1', '127.0.0.2'];
    await client.refresh();
    expect(client.pool.servers.map((s) => s.url)).toEqual([`http://127.0.0.1:${port}/v1`, `http://127.0.0.2:${port}/v1`]);
    // A name that resolves to nothing for a moment keeps what it had.
    addresses = [];
    await client.refresh();
    expect(client.pool.servers).toHaveLength(2);
    client.close();
  });
});
