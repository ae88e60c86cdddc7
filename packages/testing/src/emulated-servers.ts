// Route sets that make the fake model server behave as a whole server of one kind does, on every route a
// backend uses: what GET /v1/models says of it, which `n` it serves, which prompt shapes and fields it refuses,
// how it reports a stop and cached tokens. Policy requests get distinct steps; judge requests (one token) get a
// confident yes, or no for a prompt holding a known-wrong step (WRONG_STEP); /pooling rows come from
// qwenPrmRows. What each server does is pinned in the backends' own tests (policy-servers.test.ts,
// judge.test.ts, label-check.test.ts); these put it together for tests of a whole setup (`arbor doctor`).
import { errorReply, type FakeReply, type FakeRequest, type FakeRoute } from './fake-model-server.js';
import { chatReply, completionsReply, judgeReply, modelsReply, poolingReply, pseudoTokens, type FakeChoice, type FakeDialect, type FakeUsage } from './reply-shapes.js';

/** `llama.cpp` serves `n` up to its slots (--parallel); `llama.cpp-old` only n=1. `openai` serves chat only. */
export type EmulatedServer = 'vllm' | 'sglang' | 'llama.cpp' | 'llama.cpp-old' | 'ollama' | 'openai';

export interface EmulationOptions {
  /** The models served (GET /v1/models); a request naming another is answered 404. Default ['fake-model']. */
  models?: string[];
  /** llama.cpp: its slots (--parallel), the most `n` one request may ask. Default 4. */
  slots?: number;
  /** openai: a reasoning model (o-series, gpt-5), which refuses temperature, top_p, logprobs, stop and max_tokens. */
  reasoning?: boolean;
  /**
   * Report usage.prompt_tokens_details.cached_tokens; default on for vllm and openai. (llama.cpp reports its cached
   * tokens as timings.cache_n whatever this says, as its /v1 routes do.)
   */
  cachedTokens?: boolean;
}

/** The known-wrong arithmetic of the fixed probe steps ("6 * 7 = 48", "3 + 5 = 15"), which judges say no to. */
export const WRONG_STEP = /= (48|15)\b/;

const OWNERS: Record<EmulatedServer, string> = {
  vllm: 'vllm',
  sglang: 'sglang',
  'llama.cpp': 'llamacpp',
  'llama.cpp-old': 'llamacpp',
  ollama: 'library',
  openai: 'system',
};

/** OpenAI's refusals of sampling fields by a reasoning model ("Unsupported parameter"). */
const REASONING_REFUSES = ['logprobs', 'top_logprobs', 'temperature', 'top_p', 'stop', 'max_tokens'];

const confident = (wrong: boolean) => (wrong ? { ' Yes': Math.log(0.1), ' No': Math.log(0.9) } : { ' Yes': Math.log(0.9), ' No': Math.log(0.1) });

/** Qwen2.5-Math-PRM's /pooling rows [p_wrong, p_right] per <extra_0>, wrong by WRONG_STEP; `swap` puts the columns the other way, `flat` gives every step that score. */
export function qwenPrmRows(options: { swap?: boolean; flat?: number; wrong?: RegExp } = {}): FakeRoute {
  const wrong = options.wrong ?? WRONG_STEP;
  return (req: FakeRequest) =>
    poolingReply({
      rows: (req.body.input as string[]).map((text) =>
        text
          .slice(text.lastIndexOf('assistant'))
          .split('<extra_0>')
          .slice(0, -1)
          .map((step) => {
            const right = options.flat ?? (wrong.test(step) ? 0.05 : 0.95);
            return options.swap ? [right, 1 - right] : [1 - right, right];
          }),
      ),
    });
}

/** The routes of a server of `kind`: /v1/models, /v1/completions, /v1/chat/completions, and Ollama's /api/version. */
export function emulatedServerRoutes(kind: EmulatedServer, options: EmulationOptions = {}): Record<string, FakeRoute> {
  const models = options.models ?? ['fake-model'];
  const slots = kind === 'llama.cpp-old' ? 1 : kind === 'llama.cpp' ? (options.slots ?? 4) : Number.POSITIVE_INFINITY;
  const dialect: FakeDialect = kind === 'vllm' ? 'vllm' : kind === 'sglang' ? 'sglang' : 'plain';
  const cached = options.cachedTokens ?? (kind === 'vllm' || kind === 'openai');

  /** A refusal the server would send before generating anything, or undefined. */
  function refusal(body: Record<string, unknown>): FakeReply | undefined {
    if (!models.includes(String(body.model))) return errorReply(404, `The model \`${String(body.model)}\` does not exist.`);
    if (kind === 'openai' && options.reasoning) {
      const field = REASONING_REFUSES.find((f) => body[f] !== undefined);
      if (field) return errorReply(400, `Unsupported parameter: '${field}' is not supported with this model.`);
    }
    const n = typeof body.n === 'number' ? body.n : 1;
    if (n > slots) {
      return kind === 'llama.cpp-old'
        ? errorReply(400, 'Only one completion choice is allowed')
        : errorReply(400, 'n_cmpl cannot be greater than the number of slots, please increase -np');
    }
    return undefined;
  }

  /** Distinct steps, one per choice asked (one only on Ollama, which ignores `n`). */
  function steps(body: Record<string, unknown>): FakeChoice[] {
    const n = kind === 'ollama' ? 1 : typeof body.n === 'number' ? body.n : 1;
    const logprobs = body.logprobs !== undefined && body.logprobs !== false;
    return Array.from({ length: n }, (_, i) => ({ text: `Multiply the two numbers, way ${Number(body.seed ?? 0) + i}.`, ...(!logprobs && { logprob: null }) }));
  }

  const timings = kind === 'llama.cpp' || kind === 'llama.cpp-old';
  const usage = (choices: FakeChoice[]): FakeUsage | undefined =>
    cached || timings
      ? { prompt: 40, completion: choices.reduce((sum, c) => sum + pseudoTokens(c.text).length, 0), ...(cached && { cached: 32 }), ...(timings && { cacheN: 32 }) }
      : undefined;

  const routes: Record<string, FakeRoute> = {
    '/v1/models': () => modelsReply({ ownedBy: OWNERS[kind], ids: models }),
    '/v1/completions': (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      if (kind === 'openai') return errorReply(404, 'This is a chat model and not supported in the v1/completions endpoint.');
      if (kind === 'ollama' && typeof body.prompt !== 'string') return errorReply(400, 'invalid prompt: expected a string');
      const refused = refusal(body);
      if (refused) return refused;
      if (body.max_tokens === 1) {
        const prompts = Array.isArray(body.prompt) ? (body.prompt as string[]) : [String(body.prompt)];
        return judgeReply({ api: 'completions', top: prompts.map((p) => confident(WRONG_STEP.test(p))) });
      }
      const choices = steps(body);
      return completionsReply({ choices, dialect, usage: usage(choices) });
    },
    '/v1/chat/completions': (req) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const refused = refusal(body);
      if (refused) return refused;
      if (body.max_tokens === 1) {
        const messages = (body.messages ?? []) as Array<{ content?: string }>;
        return judgeReply({ api: 'chat', top: [confident(WRONG_STEP.test(messages.map((m) => m.content ?? '').join('\n')))] });
      }
      const choices = steps(body);
      return chatReply({ choices, dialect, usage: usage(choices) });
    },
  };
  if (kind === 'ollama') routes['/api/version'] = () => ({ kind: 'json', body: { version: '0.12.11' } });
  return routes;
}
