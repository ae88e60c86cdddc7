import { completionsReplySchema, createModelHttpClient, type ModelHttpClient } from '@arbor/kit/model-http';
import { FailedPreconditionError, UnavailableError } from '@arbor/kit/errors';
import {
  capturingLogger,
  errorReply,
  judgeReply,
  modelsReply,
  silent,
  startFakeModelServerForTest,
  type FakeModelServer,
  type FakeReply,
  type FakeRequest,
} from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { COMPLETIONS_CHUNK_CONCURRENCY, COMPLETIONS_CHUNK_PROMPTS, createJudge, UNDECIDED_WARNING_PERIOD_MS, type JudgeOptions } from './judge.js';
import { judgeServerDetector, type JudgeServerSetting } from './server-kind.js';

const signal = new AbortController().signal;

function judgeOn(fake: FakeModelServer, api: 'completions' | 'chat' | undefined, chatConcurrency?: number, more: Partial<JudgeOptions> = {}) {
  const http = createModelHttpClient({ baseUrl: fake.baseUrl, timeoutMs: 5_000, maxAttempts: 2, label: 'judge model server' });
  return createJudge({ http, model: 'judge-7b', api, logger: silent, ...(chatConcurrency !== undefined && { chatConcurrency }), ...more });
}

/** A judge for a server of the given kind, with the API left to the server's default unless given. */
const judgeFor = (fake: FakeModelServer, server: JudgeServerSetting, api?: 'completions' | 'chat', more: Partial<JudgeOptions> = {}) =>
  judgeOn(fake, api, undefined, { server, serverSetting: 'ARBOR_VALUE_SERVER', ...more });

/** A top list whose P(yes) is `p`, spelled as an OpenAI-compatible server sends it. */
const topFor = (p: number) => ({ ' Yes': Math.log(p), ' No': Math.log(1 - p), ' Maybe': Math.log(0.001) });

/** The same JSON reply, sent `delayMs` later. */
const later = (reply: FakeReply, delayMs: number): FakeReply => (reply.kind === 'json' ? { ...reply, delayMs } : reply);

describe('judge over completions', () => {
  it('asks every prompt in one request and maps choices back by index', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const reply = judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map((_, i) => topFor([0.8, 0.3, 0.55][i] ?? 0.5)) });
        // Servers may answer a prompt list out of order; `index` says which prompt each choice belongs to.
        if (reply.kind === 'json') (reply.body as { choices: unknown[] }).choices.reverse();
        return reply;
      },
    });
    const judge = judgeOn(server, 'completions');
    const result = await judge.ask(['first?', 'second?', 'third?'], signal);
    expect(result.probabilities.map((p) => Number(p.toFixed(6)))).toEqual([0.8, 0.3, 0.55]);
    expect(result.undecided).toBe(0);
    expect(result.usage).toEqual({ inputTokens: 60, outputTokens: 3, cachedInputTokens: 0, estimated: false });
    expect(result.model).toBe('fake-judge');
    const requests = server.requestsTo('/v1/completions');
    expect(requests).toHaveLength(1);
    expect(requests[0]?.body).toEqual({
      model: 'judge-7b',
      prompt: ['first?\nAnswer:', 'second?\nAnswer:', 'third?\nAnswer:'],
      max_tokens: 1,
      logprobs: 20,
      temperature: 0,
    });
  });

  it('reads P(yes) = 0.8 from ln 0.8 against ln 0.2', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': () => judgeReply({ api: 'completions', top: [{ ' Yes': Math.log(0.8), ' No': Math.log(0.2) }] }) });
    const [p] = (await judgeOn(server, 'completions').ask(['q'], signal)).probabilities;
    expect(p).toBeCloseTo(0.8, 12);
  });

  it('counts prompts answered with neither verdict', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': () => judgeReply({ api: 'completions', top: [{ ' The': -0.1 }, topFor(0.9)] }) });
    const judge = judgeOn(server, 'completions');
    const result = await judge.ask(['a', 'b'], signal);
    expect(result.probabilities[0]).toBe(0.5);
    expect(result.undecided).toBe(1);
    expect(judge.stats).toEqual({ prompts: 2, undecided: 1 });
  });

  it('fails clearly on missing choices or missing logprobs', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': () => judgeReply({ api: 'completions', top: [topFor(0.5)] }) });
    await expect(judgeOn(server, 'completions').ask(['a', 'b'], signal)).rejects.toThrow(/returned 1 choices for 2 prompts/);
    const noLogprobs: FakeReply = {
      kind: 'json',
      body: { model: 'm', choices: [{ index: 0, text: ' Yes', logprobs: null, finish_reason: 'length' }] },
    };
    server.route('/v1/completions', () => noLogprobs);
    await expect(judgeOn(server, 'completions').ask(['a'], signal)).rejects.toBeInstanceOf(FailedPreconditionError);
  });

  it('estimates usage when the server sends none', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': () => {
        const reply = judgeReply({ api: 'completions', top: [topFor(0.5)] });
        if (reply.kind === 'json') delete (reply.body as { usage?: unknown }).usage;
        return reply;
      },
    });
    const result = await judgeOn(server, 'completions').ask(['x'.repeat(40)], signal);
    expect(result.usage).toEqual({ inputTokens: Math.ceil((40 + '\nAnswer:'.length) / 4), outputTokens: 1, cachedInputTokens: 0, estimated: true });
  });

  it('splits a large batch into requests of at most 64 prompts, 4 at a time, and reassembles it in order', async () => {
    expect([COMPLETIONS_CHUNK_PROMPTS, COMPLETIONS_CHUNK_CONCURRENCY]).toEqual([64, 4]);
    let inFlight = 0;
    let most = 0;
    // The first four requests are held until all four have arrived (or a second has passed), so that a busy
    // machine cannot answer one before the client sends the fourth: the count in flight is the client's doing.
    let arrived = 0;
    const waiting: Array<() => void> = [];
    const server = await startFakeModelServerForTest({
      '/v1/completions': async (req) => {
        inFlight++;
        most = Math.max(most, inFlight);
        arrived++;
        if (arrived === 4) {
          for (const release of waiting.splice(0)) release();
        } else if (arrived < 4) {
          await new Promise<void>((resolve) => {
            waiting.push(resolve);
            setTimeout(resolve, 1_000);
          });
        }
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        // Each prompt is "p<percent>", so a prompt answered out of place shows.
        const prompts = req.body.prompt as string[];
        return judgeReply({ api: 'completions', top: prompts.map((p) => topFor(Number(/^p(\d+)/.exec(p)?.[1]) / 1000)) });
      },
    });
    const prompts = Array.from({ length: 6 * 64 + 2 }, (_, i) => `p${i + 1}`);
    const result = await judgeOn(server, 'completions').ask(prompts, signal);
    expect(result.probabilities.map((p) => Number(p.toFixed(6)))).toEqual(prompts.map((p) => Number(p.slice(1)) / 1000));
    // Requests in flight together arrive in any order: put them in prompt order, then each must be one slice.
    const first = (r: FakeRequest) => Number(/^p(\d+)/.exec((r.body.prompt as string[])[0] ?? '')?.[1]);
    const requests = server.requestsTo('/v1/completions').sort((a, b) => first(a) - first(b));
    expect(requests.map((r) => (r.body.prompt as string[]).length)).toEqual([64, 64, 64, 64, 64, 64, 2]);
    expect(requests.flatMap((r) => r.body.prompt as string[])).toEqual(prompts.map((p) => `${p}\nAnswer:`));
    expect(most).toBe(4);
    // Usage summed over the requests: judgeReply counts 20 prompt tokens and one completion token per prompt.
    expect(result.usage).toEqual({ inputTokens: 20 * prompts.length, outputTokens: prompts.length, cachedInputTokens: 0, estimated: false });
  });

  it('fails a chunked batch with the first failure and sends no further chunk', async () => {
    // The refusal comes once all 4 first chunks have arrived, and before any of them is answered.
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => later(judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(() => topFor(0.5)) }), 200),
    });
    server.enqueue('/v1/completions', later(errorReply(400, "This model's maximum context length is 4096 tokens"), 50));
    const judge = createJudge({
      http: createModelHttpClient({ baseUrl: server.baseUrl, timeoutMs: 5_000, maxAttempts: 1, label: 'judge model server' }),
      model: 'judge-7b',
      api: 'completions',
      logger: silent,
    });
    const failure = judge.ask(Array.from({ length: 10 * 64 }, (_, i) => `q${i}`), signal);
    await expect(failure).rejects.toBeInstanceOf(FailedPreconditionError);
    // The first 4 went out together; the failure stopped the other 6.
    expect(server.requestsTo('/v1/completions')).toHaveLength(4);
  });

  it("reads llama.cpp's chat-shaped completions logprobs", async () => {
    // llama.cpp's /v1/completions with "logprobs": 20 answers in the chat shape, ids and bytes included.
    const llamaCpp: FakeReply = {
      kind: 'json',
      body: {
        id: 'cmpl-llama',
        object: 'text_completion',
        model: 'judge-q8_0.gguf',
        choices: [
          {
            index: 0,
            text: ' Yes',
            logprobs: {
              content: [
                {
                  id: 7414,
                  token: ' Yes',
                  bytes: [32, 89, 101, 115],
                  logprob: Math.log(0.7),
                  top_logprobs: [
                    { id: 7414, token: ' Yes', bytes: [32, 89, 101, 115], logprob: Math.log(0.7) },
                    { id: 2360, token: ' No', bytes: [32, 78, 111], logprob: Math.log(0.3) },
                  ],
                },
              ],
            },
            finish_reason: 'length',
          },
        ],
        usage: { prompt_tokens: 31, completion_tokens: 1, total_tokens: 32 },
      },
    };
    const server = await startFakeModelServerForTest({ '/v1/completions': () => llamaCpp });
    const result = await judgeOn(server, 'completions').ask(['q'], signal);
    expect(result.probabilities[0]).toBeCloseTo(0.7, 12);
    expect(result.undecided).toBe(0);
    expect(result.model).toBe('judge-q8_0.gguf');
  });

  it('names its server by origin and path only', async () => {
    // A stand-in client: the base URL carries a key in its userinfo and query, and the reply lacks a choice.
    const http: ModelHttpClient = {
      baseUrl: 'https://user:sk-SECRET@judge.example/v1?api-key=sk-SECRET',
      postJson: async (_path, _body, schema) => schema.parse(completionsReplySchema.parse({ choices: [] })),
    };
    const failure = createJudge({ http, model: 'm', api: 'completions', logger: silent }).ask(['a'], signal);
    await expect(failure).rejects.toThrow(/^judge model server at https:\/\/judge\.example\/v1 returned 0 choices for 1 prompts$/);
  });

  it('asks nothing for no prompts', async () => {
    const server = await startFakeModelServerForTest({});
    expect((await judgeOn(server, 'completions').ask([], signal)).probabilities).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});

describe('judge over chat', () => {
  it('sends one request per prompt, a few at a time, and keeps prompt order', async () => {
    let inFlight = 0;
    let most = 0;
    const server = await startFakeModelServerForTest({
      '/v1/chat/completions': async (req) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 10));
        inFlight--;
        const content = req.body.messages[0].content as string;
        return judgeReply({ api: 'chat', top: [topFor(Number(content.slice(1)) / 100)] });
      },
    });
    const prompts = Array.from({ length: 7 }, (_, i) => `p${10 + 10 * i}`);
    const result = await judgeOn(server, 'chat', 3).ask(prompts, signal);
    expect(result.probabilities.map((p) => Number(p.toFixed(6)))).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    expect(most).toBe(3);
    expect(result.usage).toEqual({ inputTokens: 7 * 20, outputTokens: 7, cachedInputTokens: 0, estimated: false });
    const requests = server.requestsTo('/v1/chat/completions');
    expect(requests).toHaveLength(7);
    expect(requests[0]?.body).toEqual({
      model: 'judge-7b',
      messages: [{ role: 'user', content: 'p10' }],
      max_tokens: 1,
      logprobs: true,
      top_logprobs: 20,
      temperature: 0,
      // vLLM (the default server) renders the chat template with it: a thinking model answers at once.
      chat_template_kwargs: { enable_thinking: false },
    });
  });

  it('reads P(yes) = 0.8 from a chat reply', async () => {
    const server = await startFakeModelServerForTest({ '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [{ Yes: Math.log(0.8), No: Math.log(0.2) }] }) });
    const [p] = (await judgeOn(server, 'chat').ask(['q'], signal)).probabilities;
    expect(p).toBeCloseTo(0.8, 12);
  });

  it('fails the batch with the first failure and stops asking', async () => {
    const server = await startFakeModelServerForTest({ '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [topFor(0.5)] }) });
    server.enqueue('/v1/chat/completions', errorReply(400, 'model "judge-7b" does not exist'));
    const failure = judgeOn(server, 'chat', 1).ask(['a', 'b', 'c', 'd'], signal);
    await expect(failure).rejects.toBeInstanceOf(FailedPreconditionError);
    await expect(failure).rejects.toThrow(/does not exist/);
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(1);
  });
});

/** A completions reply answering each prompt of the request with P(yes) = `p`. */
const answerAll = (req: FakeRequest, p: number) =>
  judgeReply({ api: 'completions', top: (Array.isArray(req.body.prompt) ? req.body.prompt : [req.body.prompt]).map(() => topFor(p)) });

describe('judge requests per server', () => {
  it('asks Ollama one string prompt per request, since its /v1/completions refuses a list', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) =>
        typeof req.body.prompt === 'string'
          ? judgeReply({ api: 'completions', top: [topFor(Number(/^p(\d+)/.exec(req.body.prompt)?.[1]) / 100)] })
          : errorReply(400, 'json: cannot unmarshal array into Go struct field CompletionRequest.prompt of type string'),
    });
    const result = await judgeFor(server, 'ollama').ask(['p10', 'p20', 'p30'], signal);
    expect(result.probabilities.map((p) => Number(p.toFixed(6)))).toEqual([0.1, 0.2, 0.3]);
    const bodies = server.requestsTo('/v1/completions').map((r) => r.body);
    expect(bodies).toHaveLength(3);
    expect(bodies.map((b) => b.prompt).sort()).toEqual(['p10\nAnswer:', 'p20\nAnswer:', 'p30\nAnswer:']);
    expect(bodies[0]).toMatchObject({ model: 'judge-7b', max_tokens: 1, logprobs: 20, temperature: 0 });
  });

  it('asks OpenAI on chat by default, and at most 5 logprobs on completions', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [topFor(0.7)] }),
      '/v1/completions': (req) =>
        req.body.logprobs > 5 ? errorReply(400, "Invalid value for 'logprobs': must be less than or equal to 5.") : answerAll(req, 0.6),
    });
    const chat = await judgeFor(server, 'openai').ask(['q'], signal);
    expect(chat.probabilities[0]).toBeCloseTo(0.7, 12);
    expect(server.requestsTo('/v1/completions')).toHaveLength(0);
    // OpenAI refuses parameters it does not know: no chat_template_kwargs.
    expect(server.requestsTo('/v1/chat/completions')[0]?.body).toEqual({
      model: 'judge-7b',
      messages: [{ role: 'user', content: 'q' }],
      max_tokens: 1,
      logprobs: true,
      top_logprobs: 20,
      temperature: 0,
    });
    const completions = await judgeFor(server, 'openai', 'completions').ask(['a', 'b'], signal);
    expect(completions.probabilities.map((p) => Number(p.toFixed(6)))).toEqual([0.6, 0.6]);
    expect(server.requestsTo('/v1/completions')[0]?.body).toMatchObject({ prompt: ['a\nAnswer:', 'b\nAnswer:'], logprobs: 5 });
  });

  it("reads older llama.cpp's top-level array of replies, one per prompt", async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        const body = prompts.map((p) => {
          const one = judgeReply({ api: 'completions', top: [topFor(Number(/^p(\d+)/.exec(p)?.[1]) / 100)], model: 'judge.gguf' });
          return (one as { body: unknown }).body;
        });
        return { kind: 'json', body };
      },
    });
    const result = await judgeFor(server, 'llama.cpp').ask(['p25', 'p50', 'p75'], signal);
    expect(result.probabilities.map((p) => Number(p.toFixed(6)))).toEqual([0.25, 0.5, 0.75]);
    expect(result.model).toBe('judge.gguf');
    // judgeReply counts 20 prompt tokens per prompt: the replies' usage is summed.
    expect(result.usage).toEqual({ inputTokens: 60, outputTokens: 3, cachedInputTokens: 0, estimated: false });
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
  });

  it.each([
    ['vllm', true],
    ['sglang', true],
    ['llama.cpp', false],
    ['ollama', false],
    ['openai', false],
    ['other', false],
  ] as const)('turns thinking off on chat for %s: %s', async (kind, off) => {
    const server = await startFakeModelServerForTest({ '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [topFor(0.5)] }) });
    await judgeFor(server, kind, 'chat').ask(['q'], signal);
    const body = server.requestsTo('/v1/chat/completions')[0]?.body;
    expect(body.chat_template_kwargs).toEqual(off ? { enable_thinking: false } : undefined);
  });
});

describe('judge server detection (auto)', () => {
  it('is shared by concurrent callers, and one caller cancelling does not fail the others', async () => {
    const server = await startFakeModelServerForTest({ '/v1/models': () => later(modelsReply({ ownedBy: 'vllm' }), 200), '/v1/completions': (req) => answerAll(req, 0.5) });
    const judge = judgeFor(server, 'auto');
    const impatient = new AbortController();
    const first = judge.setup(impatient.signal);
    const second = judge.setup(signal);
    impatient.abort();
    await expect(first).rejects.toThrow();
    expect((await second).dialect.server).toBe('vllm');
    expect(server.requestsTo('/v1/models')).toHaveLength(1);
  });

  it.each([
    ['vllm', 'vllm'],
    ['sglang', 'sglang'],
    ['llamacpp', 'llama.cpp'],
  ] as const)('tells %s by GET /models, once, and batches prompts', async (owner, kind) => {
    const server = await startFakeModelServerForTest({ '/v1/models': () => modelsReply({ ownedBy: owner }), '/v1/completions': (req) => answerAll(req, 0.5) });
    const log = capturingLogger();
    const judge = judgeFor(server, 'auto', undefined, { logger: log.logger });
    expect((await judge.setup(signal)).dialect.server).toBe(kind);
    await judge.ask(['a', 'b'], signal);
    await judge.ask(['c'], signal);
    expect(server.requestsTo('/v1/models')).toHaveLength(1);
    expect(server.requestsTo('/v1/models')[0]?.method).toBe('GET');
    expect(server.requestsTo('/v1/completions')[0]?.body).toMatchObject({ prompt: ['a\nAnswer:', 'b\nAnswer:'], logprobs: 20 });
    expect(log.at('info').filter((l) => l.msg === 'judge server')).toEqual([
      expect.objectContaining({ server: kind, api: 'completions', how: `GET /models says owned_by ${owner}` }),
    ]);
  });

  it('tells Ollama by GET /api/version and sends string prompts', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/models': () => modelsReply({ ownedBy: 'library' }),
      '/api/version': () => ({ kind: 'json', body: { version: '0.12.11' } }),
      '/v1/completions': (req) => answerAll(req, 0.5),
    });
    const judge = judgeFor(server, 'auto');
    await judge.ask(['a', 'b'], signal);
    expect(server.requestsTo('/v1/completions').map((r) => r.body.prompt).sort()).toEqual(['a\nAnswer:', 'b\nAnswer:']);
  });

  it('falls back to what every server takes for an unknown one, and says so once, naming the setting', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': (req) => answerAll(req, 0.5) });
    const log = capturingLogger();
    const judge = judgeFor(server, 'auto', undefined, { logger: log.logger });
    await judge.ask(['a', 'b'], signal);
    await judge.ask(['c'], signal);
    const bodies = server.requestsTo('/v1/completions').map((r) => r.body);
    expect(bodies.map((b) => b.prompt).sort()).toEqual(['a\nAnswer:', 'b\nAnswer:', 'c\nAnswer:']);
    expect(bodies.every((b) => b.logprobs === 5)).toBe(true);
    const warnings = log.at('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ server: 'other', setting: 'ARBOR_VALUE_SERVER' });
    expect(String(warnings[0]?.msg)).toContain('set ARBOR_VALUE_SERVER');
  });

  it('knows OpenAI and Azure OpenAI by their hosts without asking', async () => {
    const detect = (baseUrl: string) => judgeServerDetector({ baseUrl, timeoutMs: 1_000, label: 'judge' })(signal);
    expect(await detect('https://api.openai.com/v1')).toEqual({ server: 'openai', how: 'the host is api.openai.com' });
    expect(await detect('https://team.openai.azure.com/openai/v1')).toEqual({ server: 'openai', how: 'the host is team.openai.azure.com' });
  });

  it('asks again with the next batch when the server could not be reached', async () => {
    const server = await startFakeModelServerForTest({ '/v1/models': () => modelsReply({ ownedBy: 'vllm' }), '/v1/completions': (req) => answerAll(req, 0.5) });
    server.enqueue('/v1/models', errorReply(503, 'loading'));
    const judge = judgeFor(server, 'auto');
    await expect(judge.ask(['a'], signal)).rejects.toBeInstanceOf(UnavailableError);
    expect(server.requestsTo('/v1/completions')).toHaveLength(0);
    expect((await judge.ask(['a'], signal)).probabilities).toHaveLength(1);
    expect(server.requestsTo('/v1/models')).toHaveLength(2);
  });
});

describe('undecided judgments', () => {
  it('count on the metric and warn once per period, with counts and never the prompts', async () => {
    // A thinking model's first token: "<think>", neither verdict.
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) =>
        judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map((p) => (p.startsWith('secret') ? { '<think>': -0.01 } : topFor(0.9))) }),
    });
    const log = capturingLogger();
    const added: Array<[number, Record<string, string>]> = [];
    let clock = 1_000_000;
    const judge = judgeOn(server, 'completions', undefined, {
      logger: log.logger,
      service: 'value',
      undecidedCounter: { add: (n, attributes) => added.push([n, attributes]) },
      now: () => clock,
    });
    const first = await judge.ask(['secret problem one', 'fine', 'secret problem two'], signal);
    expect(first.undecided).toBe(2);
    expect(first.probabilities.slice(0, 1)).toEqual([0.5]);
    await judge.ask(['secret problem three'], signal);
    clock += UNDECIDED_WARNING_PERIOD_MS;
    await judge.ask(['secret problem four', 'fine'], signal);
    await judge.ask(['fine'], signal);
    expect(added).toEqual([
      [2, { 'arbor.service': 'value', 'gen_ai.request.model': 'judge-7b' }],
      [1, { 'arbor.service': 'value', 'gen_ai.request.model': 'judge-7b' }],
      [1, { 'arbor.service': 'value', 'gen_ai.request.model': 'judge-7b' }],
    ]);
    const warnings = log.at('warn');
    // The first at once; the next a period later, summing what came since.
    expect(warnings.map((w) => [w.undecided, w.prompts])).toEqual([
      [2, 3],
      [2, 3],
    ]);
    expect(JSON.stringify(log.lines)).not.toContain('secret');
  });
});

describe('cached prompt tokens in the judge usage', () => {
  it('sums usage.prompt_tokens_details.cached_tokens over the requests of one ask (completions, in chunks)', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        // 20 prompt tokens per prompt (judgeReply), 16 of each cached.
        return judgeReply({ api: 'completions', top: prompts.map(() => topFor(0.9)), cached: 16 * prompts.length });
      },
    });
    const prompts = Array.from({ length: COMPLETIONS_CHUNK_PROMPTS + 6 }, (_, i) => `q${i}`);
    const result = await judgeFor(server, 'vllm', 'completions').ask(prompts, signal);
    expect(server.requestsTo('/v1/completions')).toHaveLength(2);
    expect(result.usage).toEqual({ inputTokens: 20 * prompts.length, outputTokens: prompts.length, cachedInputTokens: 16 * prompts.length, estimated: false });
  });

  it('sums them over the chat requests, one per prompt', async () => {
    const server = await startFakeModelServerForTest({ '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [topFor(0.4)], cached: 12 }) });
    const result = await judgeFor(server, 'openai', 'chat').ask(['a', 'b', 'c'], signal);
    expect(result.usage).toMatchObject({ inputTokens: 60, cachedInputTokens: 36 });
  });

  it("reads llama.cpp's timings.cache_n, in each reply of an older build's top-level array too", async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => {
        const prompts = req.body.prompt as string[];
        const body = prompts.map((_, i) => ({ ...(judgeReply({ api: 'completions', top: [topFor(0.5)] }) as { body: object }).body, timings: { cache_n: 10 + i, prompt_n: 10 - i } }));
        return { kind: 'json', body };
      },
    });
    const result = await judgeFor(server, 'llama.cpp').ask(['p1', 'p2', 'p3'], signal);
    expect(result.usage).toMatchObject({ inputTokens: 60, cachedInputTokens: 10 + 11 + 12 });
  });

  it('counts none where the server reports none, and none for an estimated usage', async () => {
    const plain = await startFakeModelServerForTest({ '/v1/completions': (req) => judgeReply({ api: 'completions', top: [topFor(0.5)], model: String(req.body.model) }) });
    expect((await judgeFor(plain, 'ollama', 'completions').ask(['a', 'b'], signal)).usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 0 });
    const bare = await startFakeModelServerForTest({
      '/v1/completions': () => {
        const reply = judgeReply({ api: 'completions', top: [topFor(0.5)] }) as { kind: 'json'; body: Record<string, unknown> };
        delete reply.body.usage;
        return { ...reply, body: { ...reply.body, timings: { cache_n: 7 } } };
      },
    });
    expect((await judgeFor(bare, 'vllm', 'completions').ask(['a'], signal)).usage).toMatchObject({ cachedInputTokens: 0, estimated: true });
  });
});
