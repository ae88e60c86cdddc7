// Builders for the exact reply bodies of OpenAI-compatible servers (/v1/completions, /v1/chat/completions) and
// vLLM's POST /pooling, so tests of the real backends see what vLLM, SGLang, Ollama and OpenAI send.
import type { FakeReply } from './fake-model-server.js';

export interface FakeChoice {
  text: string;
  /** Log-probability of the whole text, spread evenly over its tokens; null means the server sent no logprobs. */
  logprob?: number | null;
  /** 'stop' (a stop string or end of sequence) or 'length'. */
  finishReason?: 'stop' | 'length';
  /**
   * vLLM: the stop string that fired, a stop token id, null for end of sequence. SGLang (dialect 'sglang'):
   * sent as matched_stop, where the end of sequence is the EOS token's id.
   */
  stopReason?: string | number | null;
}

/**
 * How a choice says why it stopped: vLLM's `stop_reason` (the default), SGLang's `matched_stop`
 * (sglang/srt/entrypoints/openai/protocol.py), or neither (`plain`: OpenAI, llama.cpp, Ollama).
 */
export type FakeDialect = 'vllm' | 'sglang' | 'plain';

function stopField(dialect: FakeDialect | undefined, reason: string | number | null): Record<string, string | number | null> {
  if (dialect === 'plain') return {};
  return dialect === 'sglang' ? { matched_stop: reason } : { stop_reason: reason };
}

export interface FakeUsage {
  prompt: number;
  completion: number;
  /**
   * Prompt tokens served from the prefix cache, sent as usage.prompt_tokens_details.cached_tokens (OpenAI; vLLM with
   * --enable-prompt-tokens-details; SGLang with --enable-cache-report; newer llama.cpp builds).
   */
  cached?: number;
  /**
   * llama.cpp: prompt tokens reused from its cache, sent as the top-level `timings.cache_n` beside the usage (as
   * tools/server/server-task.cpp's to_json_oaicompat does), with prompt_n the rest of the prompt.
   */
  cacheN?: number;
}

/** Splits text into pseudo-tokens (a word with its leading space, or a run of whitespace), as BPE roughly does. */
export function pseudoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

function tokenLogprobs(choice: FakeChoice): { tokens: string[]; logprobs: number[] } | null {
  if (choice.logprob === null) return null;
  const tokens = pseudoTokens(choice.text);
  const each = tokens.length === 0 ? 0 : (choice.logprob ?? -0.1 * tokens.length) / tokens.length;
  return { tokens, logprobs: tokens.map(() => each) };
}

/** A token's UTF-8 bytes, as OpenAI (and vLLM) send them in `logprobs.content[].bytes`. */
function utf8Bytes(token: string): number[] {
  return [...Buffer.from(token, 'utf8')];
}

/** One `logprobs.content` item of a chat reply (OpenAI's ChatCompletionTokenLogprob). */
function tokenLogprob(token: string, logprob: number, top: [string, number][]) {
  return { token, logprob, bytes: utf8Bytes(token), top_logprobs: top.map(([t, lp]) => ({ token: t, logprob: lp, bytes: utf8Bytes(t) })) };
}

/** A chat reply's message as OpenAI sends it: its schema requires `refusal` (null unless the model refused). */
function assistantMessage(content: string) {
  return { role: 'assistant', content, refusal: null };
}

function usageBody(usage: FakeUsage | null | undefined, choices: FakeChoice[]) {
  if (usage === null) return undefined;
  const completion = usage?.completion ?? choices.reduce((sum, c) => sum + pseudoTokens(c.text).length, 0);
  const prompt = usage?.prompt ?? 10;
  const details = usage?.cached === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cached } };
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, ...details };
}

/** llama.cpp's `timings` beside the usage, when the usage says cacheN. */
function timingsBody(usage: FakeUsage | null | undefined, body: ReturnType<typeof usageBody>) {
  if (usage?.cacheN === undefined || !body) return {};
  return { timings: { cache_n: usage.cacheN, prompt_n: body.prompt_tokens - usage.cacheN, prompt_ms: 1, predicted_n: body.completion_tokens, predicted_ms: 1 } };
}

/** A /v1/completions reply (object "text_completion"); `usage: null` leaves usage out, as some servers do. */
export function completionsReply(options: { model?: string; choices: FakeChoice[]; usage?: FakeUsage | null; dialect?: FakeDialect }): FakeReply {
  const usage = usageBody(options.usage, options.choices);
  return {
    kind: 'json',
    body: {
      id: 'cmpl-fake',
      object: 'text_completion',
      created: 1_760_000_000,
      model: options.model ?? 'fake-model',
      choices: options.choices.map((choice, index) => {
        const lp = tokenLogprobs(choice);
        let offset = 0;
        return {
          index,
          text: choice.text,
          logprobs: lp && {
            tokens: lp.tokens,
            token_logprobs: lp.logprobs,
            top_logprobs: lp.tokens.map((token, i) => ({ [token]: lp.logprobs[i] })),
            text_offset: lp.tokens.map((token) => {
              const at = offset;
              offset += token.length;
              return at;
            }),
          },
          finish_reason: choice.finishReason ?? 'stop',
          ...stopField(options.dialect, choice.stopReason === undefined ? '\n\n' : choice.stopReason),
        };
      }),
      ...(usage && { usage }),
      ...timingsBody(options.usage, usage),
    },
  };
}

/**
 * A /v1/chat/completions reply (object "chat.completion") with logprobs.content per token, in the shape of
 * OpenAI's CreateChatCompletionResponse (checked against the pinned response-schemas/openai.json).
 */
export function chatReply(options: { model?: string; choices: FakeChoice[]; usage?: FakeUsage | null; dialect?: FakeDialect }): FakeReply {
  const usage = usageBody(options.usage, options.choices);
  return {
    kind: 'json',
    body: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: options.model ?? 'fake-model',
      choices: options.choices.map((choice, index) => {
        const lp = tokenLogprobs(choice);
        return {
          index,
          message: assistantMessage(choice.text),
          logprobs: lp && {
            content: lp.tokens.map((token, i) => tokenLogprob(token, lp.logprobs[i] ?? 0, [[token, lp.logprobs[i] ?? 0]])),
            refusal: null,
          },
          finish_reason: choice.finishReason ?? 'stop',
          ...stopField(options.dialect, choice.stopReason === undefined ? null : choice.stopReason),
        };
      }),
      ...(usage && { usage }),
      ...timingsBody(options.usage, usage),
    },
  };
}

/**
 * A one-token judge reply whose top logprobs hold the given candidates (e.g. {" Yes": -0.2, " No": -1.8}),
 * in the completions shape (`api: 'completions'`) or the chat shape; 20 prompt tokens per choice, of which `cached`
 * (in all) are reported as usage.prompt_tokens_details.cached_tokens.
 */
export function judgeReply(options: { api: 'completions' | 'chat'; top: Record<string, number>[]; model?: string; cached?: number }): FakeReply {
  const choices = options.top.map((top, index) => {
    const [token, logprob] = Object.entries(top).sort((a, b) => b[1] - a[1])[0] ?? [' Yes', 0];
    if (options.api === 'completions') {
      return { index, text: token, logprobs: { tokens: [token], token_logprobs: [logprob], top_logprobs: [top], text_offset: [0] }, finish_reason: 'length', stop_reason: null };
    }
    return {
      index,
      message: assistantMessage(token),
      logprobs: { content: [tokenLogprob(token, logprob, Object.entries(top))], refusal: null },
      finish_reason: 'length',
      stop_reason: null,
    };
  });
  return {
    kind: 'json',
    body: {
      id: 'judge-fake',
      object: options.api === 'completions' ? 'text_completion' : 'chat.completion',
      created: 1_760_000_000,
      model: options.model ?? 'fake-judge',
      choices,
      usage: {
        prompt_tokens: 20 * choices.length,
        completion_tokens: choices.length,
        total_tokens: 21 * choices.length,
        ...(options.cached !== undefined && { prompt_tokens_details: { cached_tokens: options.cached } }),
      },
    },
  };
}

/** A vLLM /pooling reply: one `data` row per input, each holding one [p_neg, p_pos] (or any) row per step. */
export function poolingReply(options: { model?: string; rows: number[][][]; promptTokens?: number }): FakeReply {
  const promptTokens = options.promptTokens ?? 50 * options.rows.length;
  return {
    kind: 'json',
    body: {
      id: 'pool-fake',
      object: 'list',
      created: 1_760_000_000,
      model: options.model ?? 'fake-prm',
      data: options.rows.map((data, index) => ({ index, object: 'pooling', data })),
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens, completion_tokens: 0 },
    },
  };
}

/**
 * GET /v1/models as a server describes itself: vLLM says owned_by "vllm", SGLang "sglang", llama.cpp "llamacpp",
 * OpenAI "system" or "openai", Ollama the model's namespace ("library").
 */
export function modelsReply(options: { ownedBy: string; ids?: string[] }): FakeReply {
  const ids = options.ids ?? ['fake-model'];
  return { kind: 'json', body: { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 1_760_000_000, owned_by: options.ownedBy })) } };
}
