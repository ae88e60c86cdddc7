import type { SearchRequest, SearchResult__Output } from '@arbor/contracts';
import { DeadlineExceededError, ResourceExhaustedError, UnauthenticatedError, UnavailableError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import type { Orchestrator } from './orchestrator.js';
import { DEFAULT_PRESETS } from './presets.js';
import { buildGatewayApp } from './server.js';

const RESULT = {
  searchId: 's1',
  answer: '(13 - 9) * (10 - 4)',
  solved: true,
  best: { steps: [{ text: '13 - 9 = 4 (left: 4 4 10)', logprob: 0, tokens: 5 }] },
  score: 1,
  stats: { expansions: 3, inputTokens: 40, outputTokens: 12, costUsd: 0 },
  stopReason: 'STOP_REASON_SOLVED',
  traceId: 't1',
  answers: [],
} as unknown as SearchResult__Output;

function appWith(search: Orchestrator['search']) {
  const calls: Array<{ request: SearchRequest; authorization?: string }> = [];
  const orchestrator: Orchestrator = {
    search: (request, options) => {
      calls.push({ request, ...(options.authorization && { authorization: options.authorization }) });
      return search(request, options);
    },
    listSearches: async () => [],
    getTree: async () => ({ nodes: [], totalNodes: 0 }),
    close: () => undefined,
  };
  return { app: buildGatewayApp({ presets: DEFAULT_PRESETS, orchestrator }), calls };
}

const chat = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST' as const, url: '/v1/chat/completions', payload: body as object, headers });

describe('the gateway HTTP API', () => {
  it('answers /healthz', async () => {
    const { app } = appWith(async () => RESULT);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('forwards the bearer header and builds the reply from the result', async () => {
    const { app, calls } = appWith(async () => RESULT);
    const res = await app.inject(chat({ model: 'arbor-mcts', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: '4 9 10 13' }] }, { authorization: 'Bearer tok' }));
    expect(res.statusCode).toBe(200);
    expect(calls[0]!.authorization).toBe('Bearer tok');
    expect(calls[0]!.request.problem).toEqual({ task: 'countdown', id: '', question: '4 9 10 13', params: { target: '24' } });
    expect(calls[0]!.request.searchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-arbor-search-id']).toBe('s1');
    const body = res.json();
    expect(body.id).toBe('chatcmpl-s1');
    expect(body.choices[0].message).toEqual({ role: 'assistant', content: '13 - 9 = 4 (left: 4 4 10)\n(13 - 9) * (10 - 4)', refusal: null });
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.usage).toEqual({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 });
    expect(body.arbor).toMatchObject({ search_id: 's1', trace_id: 't1', stop_reason: 'solved', expansions: 3, score: 1 });
  });

  it('says length when the search stopped without an answer', async () => {
    const { app } = appWith(async () => ({ ...RESULT, answer: '', stopReason: 'STOP_REASON_MAX_EXPANSIONS' }) as unknown as SearchResult__Output);
    const body = (await app.inject(chat({ model: 'arbor-bon', messages: [{ role: 'user', content: '1 1 1 1' }] }))).json();
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.arbor.stop_reason).toBe('max_expansions');
  });

  it('maps the orchestrator\'s errors to OpenAI statuses', async () => {
    const cases: Array<[Error, number]> = [
      [new UnauthenticatedError('missing token'), 401],
      [new ResourceExhaustedError('tenant limit'), 429],
      [new UnavailableError('no orchestrator'), 503],
      [new DeadlineExceededError('late'), 504],
    ];
    for (const [error, status] of cases) {
      const { app } = appWith(async () => {
        throw error;
      });
      const res = await app.inject(chat({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }] }));
      expect(res.statusCode, error.name).toBe(status);
      expect(res.json().error.message).toBe(error.message);
      if (status === 429) expect(res.headers['retry-after']).toBe('1');
    }
  });

  it('refuses bad requests with 400 invalid_request_error naming the parameter', async () => {
    const { app, calls } = appWith(async () => RESULT);
    const param = async (body: unknown) => {
      const res = await app.inject(chat(body));
      expect(res.statusCode).toBe(400);
      expect(res.json().error.type).toBe('invalid_request_error');
      return res.json().error.param as string;
    };
    expect(await param({ messages: [] })).toBe('model');
    expect(await param({ model: 'arbor-mcts', messages: [] })).toBe('messages');
    expect(await param({ model: 'arbor-mcts', messages: [{ role: 'assistant', content: '4 9 10 13' }] })).toBe('messages');
    expect(await param({ model: 'arbor-mcts', stream: 'yes', messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('stream');
    expect(await param({ model: 'arbor-mcts', n: 0, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('n');
    expect(await param({ model: 'arbor-mcts', n: 17, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('n');
    expect(await param({ model: 'arbor-mcts', max_tokens: 2.5, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('max_tokens');
    expect(await param({ model: 'arbor-mcts', max_completion_tokens: -1, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('max_completion_tokens');
    expect(await param({ model: 'arbor-mcts', seed: 'x', messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('seed');
    expect(await param({ model: 'arbor-mcts', arbor: { seed: -1 }, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('arbor.seed');
    expect(calls).toHaveLength(0);
    const res = await app.inject({ method: 'POST', url: '/v1/chat/completions', payload: '{not json', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).not.toContain('not json');
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const { app } = appWith(async () => RESULT);
    const res = await app.inject(chat({ model: 'gpt-4o', messages: [{ role: 'user', content: '4 9 10 13' }] }));
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ code: 'model_not_found', param: 'model' });
  });

  it('answers 504 when the deadline stopped the search before any answer', async () => {
    const { app } = appWith(async () => ({ ...RESULT, answer: '', stopReason: 'STOP_REASON_DEADLINE' }) as unknown as SearchResult__Output);
    const res = await app.inject(chat({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }] }));
    expect(res.statusCode).toBe(504);
    expect(res.json().error).toMatchObject({ type: 'server_error', code: 'timeout' });
    expect(res.json().error.message).toContain('search s1 reached its deadline');
  });

  it('asks for n distinct answers and returns one choice each, best first', async () => {
    const answers = [
      { answer: 'A', trajectory: { steps: [{ text: 'step a', logprob: 0, tokens: 2 }] }, score: 0.6, trajectories: 3, verified: false },
      { answer: 'B', trajectory: { steps: [{ text: 'step b', logprob: 0, tokens: 2 }] }, score: 0.3, trajectories: 1, verified: false },
    ];
    const { app, calls } = appWith(async () => ({ ...RESULT, answer: 'A', answers }) as unknown as SearchResult__Output);
    const body = (await app.inject(chat({ model: 'arbor-bon', n: 3, messages: [{ role: 'user', content: '4 9 10 13' }] }))).json();
    expect(calls[0]!.request.answers).toBe(3);
    expect(body.choices.map((c: { index: number; message: { content: string } }) => [c.index, c.message.content])).toEqual([
      [0, 'step a\nA'],
      [1, 'step b\nB'],
    ]);
  });

  it('cuts the message at max_tokens by the steps\' token counts and says length', async () => {
    const { app } = appWith(async () => RESULT);
    const body = (await app.inject(chat({ model: 'arbor-mcts', max_tokens: 3, messages: [{ role: 'user', content: '4 9 10 13' }] }))).json();
    // The one step holds 5 tokens: 3 of them keep 3/5 of its characters.
    expect(body.choices[0].message.content).toBe('13 - 9 = 4 (lef');
    expect(body.choices[0].finish_reason).toBe('length');
    const whole = (await app.inject(chat({ model: 'arbor-mcts', max_completion_tokens: 100, messages: [{ role: 'user', content: '4 9 10 13' }] }))).json();
    expect(whole.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: '13 - 9 = 4 (left: 4 4 10)\n(13 - 9) * (10 - 4)' } });
  });

  it('streams progress as SSE comments, then the answer as content deltas, then [DONE]', async () => {
    const { app } = appWith(async (_request, options) => {
      options.onProgress?.({ searchId: 's1', stats: { expansions: 1, nodes: 4 }, bestScore: 0.5, bestAnswer: '' } as never);
      return RESULT;
    });
    const res = await app.inject(chat({ model: 'arbor-mcts', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: '4 9 10 13' }] }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = res.body.split('\n\n').filter((e) => e !== '');
    expect(events[0]).toMatch(/^: arbor\.progress \{"search_id":"s1","expansions":1,"nodes":4,/);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
    const content = chunks.flatMap((c) => c.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? '')).join('');
    expect(content).toBe('13 - 9 = 4 (left: 4 4 10)\n(13 - 9) * (10 - 4)');
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 } });
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-s1']));
  });

  it('streams an error before the first event as a plain HTTP error', async () => {
    const { app } = appWith(async () => {
      throw new ResourceExhaustedError('tenant limit');
    });
    const res = await app.inject(chat({ model: 'arbor-mcts', stream: true, messages: [{ role: 'user', content: '4 9 10 13' }] }));
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });
});
