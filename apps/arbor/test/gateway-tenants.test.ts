// The gateway in front of an orchestrator that asks for bearer tokens (a tokens file): the same tokens and
// tenants as the gRPC API, through the official `openai` client. 401 without a good token, 429 with Retry-After
// for a tenant's limits and for a full admission queue, each tenant's viewer API showing its own searches only;
// and 503 with no orchestrator.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newToken, tokenDigest } from '@arbor/kit/auth';
import { openAiSchemaErrors } from '@arbor/testing/openai-schema';
import { startServices, type ServingStack } from '../src/compose/services.js';

const dir = mkdtempSync(join(tmpdir(), 'arbor-gateway-tenants-'));
const tokens = { a: newToken(), b: newToken(), limited: newToken() };
const tokensFile = join(dir, 'tokens.json');
writeFileSync(
  tokensFile,
  JSON.stringify({
    tenants: {
      a: { tokens: [{ sha256: tokenDigest(tokens.a) }] },
      b: { tokens: [{ sha256: tokenDigest(tokens.b) }] },
      limited: { limits: { maxConcurrentSearches: 1, maxTokens: 100_000 }, tokens: [{ sha256: tokenDigest(tokens.limited) }] },
    },
  }),
);

const ask = { model: 'arbor-mcts', messages: [{ role: 'user' as const, content: '4 9 10 13' }] };
/** Runs until cancelled or 40 s pass: six ones never make 24. */
const endless = {
  model: 'arbor-mcts',
  messages: [{ role: 'user' as const, content: '1 1 1 1 1 1' }],
  arbor: { params: { simulations: 1_000_000, stop_on_solution: false }, budget: { max_expansions: 0, deadline_ms: 40_000 } },
} as OpenAI.ChatCompletionCreateParamsNonStreaming;

function apiError(err: unknown): InstanceType<typeof OpenAI.APIError> {
  expect(err).toBeInstanceOf(OpenAI.APIError);
  return err as InstanceType<typeof OpenAI.APIError>;
}

describe('the gateway with bearer tokens', { timeout: 120_000 }, () => {
  let stack: ServingStack;
  let base: string;
  const clientOf = (apiKey: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0 });

  beforeAll(async () => {
    stack = await startServices(
      ['all'],
      { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_AUTH_TOKENS_FILE: tokensFile, ARBOR_INPROC_WORKERS: '0' },
      'silent',
    );
    base = `http://${stack.gateway!.address}`;
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 401 without a token or with a wrong one, in the published error shape, and 200 with a good one', async () => {
    const wrong = apiError(await clientOf(newToken()).chat.completions.create(ask).catch((e: unknown) => e));
    expect(wrong.status).toBe(401);
    expect(wrong.type).toBe('authentication_error');
    const raw = await fetch(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ask) });
    expect(raw.status).toBe(401);
    expect(openAiSchemaErrors('ErrorResponse', await raw.json())).toEqual([]);
    const viewer = await fetch(`${base}/ui/api/searches`);
    expect(viewer.status).toBe(401);
    const completion = await clientOf(tokens.a).chat.completions.create(ask);
    expect(completion.choices[0]!.finish_reason).toBe('stop');
  });

  it("shows each tenant its own searches only, in the viewer's API", async () => {
    const ofA = await clientOf(tokens.a).chat.completions.create(ask);
    const ofB = await clientOf(tokens.b).chat.completions.create(ask);
    const idOf = (c: OpenAI.ChatCompletion) => c.id.replace(/^chatcmpl-/, '');
    const listOf = async (token: string) =>
      ((await (await fetch(`${base}/ui/api/searches`, { headers: { authorization: `Bearer ${token}` } })).json()) as { searches: Array<{ search_id: string }> }).searches.map((s) => s.search_id);
    expect(await listOf(tokens.a)).toContain(idOf(ofA));
    expect(await listOf(tokens.a)).not.toContain(idOf(ofB));
    expect(await listOf(tokens.b)).toEqual([idOf(ofB)]);
    const other = await fetch(`${base}/ui/api/searches/${idOf(ofA)}/tree`, { headers: { authorization: `Bearer ${tokens.b}` } });
    expect(other.status).toBe(404);
  });

  it('answers 429 with Retry-After when an override asks more than the tenant may', async () => {
    const err = apiError(
      await clientOf(tokens.limited)
        .chat.completions.create({ ...ask, extra_body: { arbor: { budget: { max_tokens: 200_000 } } } } as OpenAI.ChatCompletionCreateParamsNonStreaming)
        .catch((e: unknown) => e),
    );
    expect(err.status).toBe(429);
    expect(err.headers?.get('retry-after')).toBe('1');
    expect(err.message).toContain('budget.max_tokens');
    // Within the limit, the same override is taken.
    const within = await clientOf(tokens.limited).chat.completions.create({ ...ask, extra_body: { arbor: { budget: { max_tokens: 50_000 } } } } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(within.choices).toHaveLength(1);
  });

  it('answers 429 with Retry-After past the tenant\'s concurrent searches, and cancels the first on disconnect', async () => {
    const abort = new AbortController();
    const first = clientOf(tokens.limited).chat.completions.create(endless, { signal: abort.signal }).catch((e: unknown) => e);
    const list = async () =>
      ((await (await fetch(`${base}/ui/api/searches`, { headers: { authorization: `Bearer ${tokens.limited}` } })).json()) as { searches: Array<{ status: string }> }).searches;
    for (let i = 0; i < 200 && !(await list()).some((s) => s.status === 'running'); i++) await new Promise((r) => setTimeout(r, 25));
    const second = apiError(await clientOf(tokens.limited).chat.completions.create(ask).catch((e: unknown) => e));
    expect(second.status).toBe(429);
    expect(second.headers?.get('retry-after')).toBe('1');
    abort.abort();
    await first;
    for (let i = 0; i < 200 && (await list()).some((s) => s.status === 'running'); i++) await new Promise((r) => setTimeout(r, 25));
    expect((await clientOf(tokens.limited).chat.completions.create(ask)).choices).toHaveLength(1);
  });
});

describe("the gateway in front of a full orchestrator", { timeout: 60_000 }, () => {
  it('answers 429 with Retry-After when the admission queue is full, and serves again once there is room', async () => {
    const stack = await startServices(
      ['all'],
      { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0', ARBOR_MAX_CONCURRENT_SEARCHES: '1', ARBOR_ADMISSION_QUEUE: '0' },
      'silent',
    );
    try {
      const base = `http://${stack.gateway!.address}`;
      const client = new OpenAI({ baseURL: `${base}/v1`, apiKey: 'x', maxRetries: 0 });
      const abort = new AbortController();
      const first = client.chat.completions.create(endless, { signal: abort.signal }).catch((e: unknown) => e);
      const running = async () =>
        ((await (await fetch(`${base}/ui/api/searches`)).json()) as { searches: Array<{ status: string }> }).searches.some((s) => s.status === 'running');
      for (let i = 0; i < 200 && !(await running()); i++) await new Promise((r) => setTimeout(r, 25));
      const refused = apiError(await client.chat.completions.create(ask).catch((e: unknown) => e));
      expect(refused.status).toBe(429);
      expect(refused.type).toBe('rate_limit_error');
      expect(refused.headers?.get('retry-after')).toBe('1');
      abort.abort();
      await first;
      for (let i = 0; i < 200 && (await running()); i++) await new Promise((r) => setTimeout(r, 25));
      expect((await client.chat.completions.create(ask)).choices[0]!.finish_reason).toBe('stop');
    } finally {
      await stack.stop();
    }
  });
});

describe('the gateway with no orchestrator behind it', () => {
  it('answers 503, and /readyz says not ready', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const stack = await startServices(['gateway'], { ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS: `127.0.0.1:${port}` }, 'silent');
    try {
      const base = `http://${stack.gateway!.address}`;
      const err = apiError(await new OpenAI({ baseURL: `${base}/v1`, apiKey: 'x', maxRetries: 0 }).chat.completions.create(ask).catch((e: unknown) => e));
      expect(err.status).toBe(503);
      expect(err.code).toBe('service_unavailable');
      expect((await fetch(`${base}/readyz`)).status).toBe(503);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });
});
