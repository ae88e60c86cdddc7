// createModelHttpClient against a real HTTP server on 127.0.0.1: retries and their count, waits, timeouts,
// dropped connections, aborts, and the kind and message of every error.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ArborError,
  CancelledError,
  DeadlineExceededError,
  FailedPreconditionError,
  InvalidArgumentError,
  isRequestFault,
  ItemRejectedError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors.js';
import { setSignalDeadline } from '../signal-deadline.js';
import { createModelHttpClient, type ModelHttpOptions, type RetryInfo } from './client.js';
import { completionsReplySchema, poolingReplySchema } from './schemas.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

let server: Server;
let baseUrl: string;
let seen: Seen[] = [];
let handlers: Handler[] = [];

/** The server answers request n with handlers[n], or the last handler once they run out. */
function answer(...next: Handler[]): void {
  handlers = next;
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
/** Never answers (until the server closes the connection at the end of the test). */
const hang: Handler = () => {};

const COMPLETION = {
  id: 'cmpl-1',
  object: 'text_completion',
  model: 'qwen',
  choices: [{ index: 0, text: ' 42', logprobs: null, finish_reason: 'stop', stop_reason: null, extra: 1 }],
  usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  system_fingerprint: 'x',
};
const ok = json(200, COMPLETION);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const n = seen.length;
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const handler = handlers[Math.min(n, handlers.length - 1)] ?? ok;
      // A fresh connection per request: a kept-alive socket that afterEach destroyed would otherwise turn the
      // next test's first attempt into a connection error (retried, but it would skew the counts).
      res.setHeader('connection', 'close');
      handler(req, res, n);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterEach(async () => {
  // Ends hung requests, so no test leaves a socket behind for the next; then gives fetch's pool a moment to
  // see the close, or its next request could go out on a dead socket (a connection error, retried, that
  // would skew the counts).
  server.closeAllConnections();
  await new Promise((resolve) => setTimeout(resolve, 20));
  seen = [];
  handlers = [];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function client(overrides: Partial<ModelHttpOptions> = {}) {
  const retries: RetryInfo[] = [];
  const http = createModelHttpClient({
    baseUrl,
    timeoutMs: 2_000,
    maxAttempts: 3,
    label: 'policy model server',
    onRetry: (info) => retries.push(info),
    ...overrides,
  });
  return { http, retries };
}

const never = () => new AbortController().signal;
const PROMPT = 'SECRET PROMPT: what is 6 times 7?';
const body = { model: 'qwen', prompt: PROMPT, max_tokens: 8 };

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<ArborError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ArborError);
    return err as ArborError;
  }
  throw new Error('expected a rejection');
}

describe('createModelHttpClient', () => {
  it('POSTs JSON to baseUrl+path and returns the reply as the schema parses it', async () => {
    answer(ok);
    const { http, retries } = client();
    const reply = await http.postJson('/completions', body, completionsReplySchema, never());
    expect(reply.choices[0]?.text).toBe(' 42');
    expect(reply.usage?.prompt_tokens).toBe(5);
    // Unknown fields are dropped, not refused.
    expect(reply).not.toHaveProperty('system_fingerprint');
    expect(reply.choices[0]).not.toHaveProperty('extra');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/v1/completions' });
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual(body);
    expect(retries).toEqual([]);
  });

  it('joins base URL and path with exactly one slash, so /pooling can live at the server root', async () => {
    answer(json(200, { data: [{ index: 0, data: [[0.1, 0.9]] }] }));
    const root = baseUrl.replace(/\/v1$/, '');
    const { http } = client({ baseUrl: `${root}/` });
    expect(http.baseUrl).toBe(root);
    const reply = await http.postJson('pooling', { input: ['x'] }, poolingReplySchema, never());
    expect(reply.data[0]?.data).toEqual([[0.1, 0.9]]);
    expect(seen[0]?.url).toBe('/pooling');
  });

  it('sends Authorization only when an API key is set', async () => {
    answer(ok);
    await client().http.postJson('/completions', body, completionsReplySchema, never());
    await client({ apiKey: '' }).http.postJson('/completions', body, completionsReplySchema, never());
    await client({ apiKey: 'sk-test' }).http.postJson('/completions', body, completionsReplySchema, never());
    expect(seen.map((s) => s.headers.authorization)).toEqual([undefined, undefined, 'Bearer sk-test']);
  });

  it('retries a 429 after the retry-after-ms the server asked for', async () => {
    answer(json(429, { error: { message: 'slow down' } }, { 'retry-after-ms': '50' }), ok);
    const { http, retries } = client();
    const started = performance.now();
    await http.postJson('/completions', body, completionsReplySchema, never());
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(seen).toHaveLength(2);
    expect(retries).toEqual([{ attempt: 1, status: 429, delayMs: 50 }]);
  });

  it('retries at once on Retry-After: 0', async () => {
    answer(json(503, 'busy', { 'retry-after': '0' }), json(502, 'bad gateway', { 'retry-after': '0' }), ok);
    const { http, retries } = client();
    await http.postJson('/completions', body, completionsReplySchema, never());
    expect(seen).toHaveLength(3);
    expect(retries).toEqual([
      { attempt: 1, status: 503, delayMs: 0 },
      { attempt: 2, status: 502, delayMs: 0 },
    ]);
  });

  it('waits at least the Retry-After seconds the server asked for', async () => {
    answer(json(429, { error: 'rate limited' }, { 'retry-after': '1' }), ok);
    const { http, retries } = client();
    const started = performance.now();
    await http.postJson('/completions', body, completionsReplySchema, never());
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(retries).toEqual([{ attempt: 1, status: 429, delayMs: 1000 }]);
  });

  it('gives up with UnavailableError after exactly maxAttempts 503s, quoting the server', async () => {
    answer(json(503, { object: 'error', message: 'engine is overloaded', code: 503 }));
    const { http, retries } = client({ maxAttempts: 3 });
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toContain('policy model server');
    expect(err.message).toContain('/completions');
    expect(err.message).toContain('HTTP 503');
    expect(err.message).toContain('3 attempts');
    expect(err.message).toContain('engine is overloaded');
    expect(seen).toHaveLength(3);
    // No Retry-After: backoff with full jitter, under 250 ms then under 500 ms.
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries[0]?.delayMs).toBeLessThan(250);
    expect(retries[1]?.delayMs).toBeLessThan(500);
  });

  it('does not retry a 400: FailedPreconditionError with the server message, never the prompt', async () => {
    answer(json(400, { object: 'error', message: "This model's maximum context length is 4096 tokens", type: 'BadRequestError', code: 400 }));
    const { http, retries } = client();
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.kind).toBe('failed_precondition');
    expect(err.message).toBe(
      "policy model server rejected the request to /completions (HTTP 400): This model's maximum context length is 4096 tokens",
    );
    expect(seen).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it.each([404, 422])('does not retry HTTP %i', async (status) => {
    answer(json(status, { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', input: { prompt: PROMPT } }] }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.message).toContain(`(HTTP ${status}): body.prompt: Field required`);
    expect(err.message).not.toContain('SECRET');
    expect(seen).toHaveLength(1);
  });

  it.each([400, 413, 422])("calls HTTP %i one item's fault, which a shared batch re-runs caller by caller", async (status) => {
    answer(json(status, { object: 'error', message: 'refused', code: status }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(ItemRejectedError);
    expect(err.kind).toBe('failed_precondition');
    expect(err.name).toBe('ItemRejectedError');
    expect(err.message).toBe(`policy model server rejected the request to /completions (HTTP ${status}): refused`);
    expect(isRequestFault(err)).toBe(true);
  });

  it.each([404, 405, 415])('calls HTTP %i a fault of every request alike, which a shared batch does not re-run', async (status) => {
    // vLLM's answer to a model name it does not serve.
    answer(json(status, { object: 'error', message: 'The model `qwen` does not exist.', code: status }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err).not.toBeInstanceOf(ItemRejectedError);
    expect(err.kind).toBe('failed_precondition');
    expect(err.message).toBe(`policy model server rejected the request to /completions (HTTP ${status}): The model \`qwen\` does not exist.`);
    expect(isRequestFault(err)).toBe(false);
  });

  it('leaves outages and failures of every caller out of isRequestFault, request fields in', () => {
    expect(isRequestFault(new ItemRejectedError('one prompt too long'))).toBe(true);
    expect(isRequestFault(new InvalidArgumentError('problem.question', 'is empty'))).toBe(true);
    expect(isRequestFault(new FailedPreconditionError('judge model server sent no logprobs'))).toBe(false);
    expect(isRequestFault(new UnavailableError('down'))).toBe(false);
    expect(isRequestFault(new DeadlineExceededError('late'))).toBe(false);
    expect(isRequestFault(new Error('anything else'))).toBe(false);
  });

  it('quotes at most ~200 characters of a long error message', async () => {
    answer(json(400, { error: { message: 'x'.repeat(5_000) } }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err.message.length).toBeLessThan(300);
    expect(err.message).toMatch(/x…$/);
  });

  it.each([401, 403])('maps HTTP %i to UnauthenticatedError without retrying', async (status) => {
    answer(json(status, { error: { message: 'Incorrect API key provided' } }));
    const err = await rejection(client({ apiKey: 'sk-bad' }).http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnauthenticatedError);
    expect(err.kind).toBe('unauthenticated');
    expect(err.message).toContain(`HTTP ${status}`);
    expect(err.message).toContain('Incorrect API key provided');
    expect(err.message).not.toContain('sk-bad');
    expect(seen).toHaveLength(1);
  });

  it('does not retry a 501', async () => {
    answer(json(501, 'not implemented'));
    const err = await rejection(client().http.postJson('/pooling', body, poolingReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toContain('HTTP 501');
    expect(seen).toHaveLength(1);
  });

  it('calls a body that is not JSON a malformed reply, without retrying', async () => {
    answer(json(200, '{"choices": [ oops'));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/^policy model server returned a malformed reply to \/completions: not JSON/);
    expect(seen).toHaveLength(1);
  });

  it('names the path of a field with the wrong type', async () => {
    answer(json(200, { ...COMPLETION, choices: [{ index: 0, text: 42 }] }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/malformed reply to \/completions: choices\.0\.text: expected string/);
    expect(seen).toHaveLength(1);
  });

  it('calls a reply with a negative token count malformed, naming the field, without retrying', async () => {
    answer(json(200, { ...COMPLETION, usage: { prompt_tokens: -5, completion_tokens: 2, total_tokens: -3 } }));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toBe('policy model server returned a malformed reply to /completions: usage.prompt_tokens: Too small: expected number to be >=0');
    expect(seen).toHaveLength(1);
  });

  it('names the path of a missing field', async () => {
    answer(json(200, { data: [{ index: 0 }] }));
    const err = await rejection(client().http.postJson('/pooling', body, poolingReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toContain('malformed reply to /pooling: data.0.data');
  });

  it('times each attempt out and reports DeadlineExceededError after the last', async () => {
    answer(hang);
    const { http, retries } = client({ timeoutMs: 100, maxAttempts: 2 });
    const started = performance.now();
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(err.kind).toBe('deadline_exceeded');
    expect(err.message).toContain('within 100 ms (2 attempts)');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(seen).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).not.toHaveProperty('status');
  });

  it('retries an attempt that timed out', async () => {
    answer(hang, ok);
    const reply = await client({ timeoutMs: 100 }).http.postJson('/completions', body, completionsReplySchema, never());
    expect(reply.choices).toHaveLength(1);
    expect(seen).toHaveLength(2);
  });

  it('times out a body that stalls after the headers', async () => {
    answer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"choices": [');
    });
    const err = await rejection(client({ timeoutMs: 100, maxAttempts: 1 }).http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(DeadlineExceededError);
  });

  it('retries when the connection is destroyed mid-body', async () => {
    answer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"choices": [', () => req.socket.destroy());
    }, ok);
    const { http, retries } = client();
    const reply = await http.postJson('/completions', body, completionsReplySchema, never());
    expect(reply.choices[0]?.text).toBe(' 42');
    expect(seen).toHaveLength(2);
    expect(retries).toHaveLength(1);
  });

  it('gives up with UnavailableError when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const { http, retries } = client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxAttempts: 2 });
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('2 attempts');
    expect(retries).toHaveLength(1);
  });

  it('rejects with CancelledError soon after the caller aborts', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    // The server holds the request and the caller gives up while it waits.
    answer(() => {
      abortedAt = performance.now();
      controller.abort();
    });
    const err = await rejection(client({ timeoutMs: 10_000 }).http.postJson('/completions', body, completionsReplySchema, controller.signal));
    expect(err).toBeInstanceOf(CancelledError);
    expect(err.kind).toBe('cancelled');
    expect(performance.now() - abortedAt).toBeLessThan(500);
    expect(seen).toHaveLength(1);
  });

  it('rethrows an abort reason that is already an ArborError', async () => {
    const controller = new AbortController();
    const reason = new DeadlineExceededError('call deadline passed');
    answer(() => controller.abort(reason));
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, controller.signal));
    expect(err).toBe(reason);
  });

  it('sends nothing for a signal aborted already', async () => {
    const err = await rejection(client().http.postJson('/completions', body, completionsReplySchema, AbortSignal.abort()));
    expect(err).toBeInstanceOf(CancelledError);
    expect(seen).toHaveLength(0);
  });

  it('stops waiting for a retry when the caller aborts', async () => {
    answer(json(429, 'later', { 'retry-after': '30' }));
    const controller = new AbortController();
    let waitFrom = 0;
    const { http } = client({
      onRetry: () => {
        waitFrom = performance.now();
        setTimeout(() => controller.abort(), 50);
      },
    });
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, controller.signal));
    expect(err).toBeInstanceOf(CancelledError);
    expect(performance.now() - waitFrom).toBeLessThan(1_000);
    expect(seen).toHaveLength(1);
  });

  it('gives up at once when the server asks to wait more than 60 s', async () => {
    answer(json(429, { error: { message: 'quota exhausted' } }, { 'retry-after': '3600' }), ok);
    const { http, retries } = client();
    const started = performance.now();
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, never()));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toBe(
      'policy model server is unavailable: /completions answered HTTP 429 (1 attempt; not retried: the server asked to wait 3600 s, more than the 60 s we wait): quota exhausted',
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(seen).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('still waits a server-asked 60 s, the limit itself', async () => {
    answer(json(503, 'restarting', { 'retry-after': '60' }));
    const controller = new AbortController();
    const { http, retries } = client({ onRetry: (info) => (retries.push(info), controller.abort()) });
    await rejection(http.postJson('/completions', body, completionsReplySchema, controller.signal));
    expect(retries).toEqual([{ attempt: 1, status: 503, delayMs: 60_000 }]);
  });

  it("does not retry when the wait would outlast the signal's deadline", async () => {
    answer(json(429, { error: { message: 'rate limited' } }, { 'retry-after': '5' }));
    const controller = new AbortController();
    setSignalDeadline(controller.signal, Date.now() + 1_000);
    const { http, retries } = client();
    const started = performance.now();
    const err = await rejection(http.postJson('/completions', body, completionsReplySchema, controller.signal));
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toContain('HTTP 429');
    expect(err.message).toContain("outlast the call's deadline");
    expect(performance.now() - started).toBeLessThan(500);
    expect(seen).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('ignores an onRetry hook that throws', async () => {
    answer(json(503, 'busy', { 'retry-after-ms': '0' }), ok);
    const { http } = client({
      onRetry: () => {
        throw new Error('metrics down');
      },
    });
    await http.postJson('/completions', body, completionsReplySchema, never());
    expect(seen).toHaveLength(2);
  });

  it('validates any zod schema the caller passes', async () => {
    answer(json(200, { score: 0.5 }));
    const score = await client().http.postJson('/score', {}, z.object({ score: z.number() }), never());
    expect(score).toEqual({ score: 0.5 });
  });

  it('refuses options that cannot work', () => {
    const base = { baseUrl, timeoutMs: 1_000, maxAttempts: 1, label: 'reward model server' };
    expect(() => createModelHttpClient({ ...base, baseUrl: 'localhost:8000' })).toThrow(/reward model server: base URL "localhost:8000" is not an http\(s\) URL/);
    expect(() => createModelHttpClient({ ...base, maxAttempts: 0 })).toThrow(/maxAttempts must be an integer ≥ 1/);
    expect(() => createModelHttpClient({ ...base, timeoutMs: 0 })).toThrow(/timeoutMs must be > 0/);
  });
});
