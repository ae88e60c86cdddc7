import type { SearchRequest, SearchResult__Output } from '@arbor/contracts';
import { DeadlineExceededError, ResourceExhaustedError, UnauthenticatedError, UnavailableError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import type { Searcher } from './orchestrator.js';
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
} as unknown as SearchResult__Output;

function appWith(search: Searcher['search']) {
  const calls: Array<{ request: SearchRequest; authorization?: string }> = [];
  const searcher: Searcher = {
    search: (request, options) => {
      calls.push({ request, ...(options.authorization && { authorization: options.authorization }) });
      return search(request, options);
    },
    close: () => undefined,
  };
  return { app: buildGatewayApp({ presets: DEFAULT_PRESETS, searcher }), calls };
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
    expect(await param({ model: 'arbor-mcts', stream: true, messages: [{ role: 'user', content: '4 9 10 13' }] })).toBe('stream');
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
});
