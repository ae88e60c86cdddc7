// Which OpenAI-compatible server the policy talks to, and what that changes in the requests it is sent. Each
// server takes its own fields and limits (pinned from their protocol code in @arbor/testing's request-fields):
// OpenAI refuses any field it does not know, vLLM ignores them with a warning, SGLang silently.
import type { PolicyServer } from '../../config.js';

export type ServerKind = Exclude<PolicyServer, 'auto'>;

/** api.openai.com, and Azure OpenAI's RESOURCE.openai.azure.com, which takes OpenAI's fields. */
const OPENAI_HOST = /(^|\.)(openai\.com|openai\.azure\.com)$/i;

export function resolveServerKind(setting: PolicyServer, baseUrl: string): ServerKind {
  if (setting !== 'auto') return setting;
  try {
    if (OPENAI_HOST.test(new URL(baseUrl).hostname)) return 'openai';
  } catch {
    // Not a URL: the config check reports it.
  }
  return 'other';
}

/** OpenAI's reasoning models by name: o1, o3, o3-mini, o4-mini..., and gpt-5 with its variants but gpt-5-chat. */
const REASONING_MODEL = /^(o\d+(-|$)|gpt-5(?!(\.\d+)?-chat))/i;

export function resolveReasoning(setting: 'auto' | 'true' | 'false', server: ServerKind, model: string): boolean {
  if (setting !== 'auto') return setting === 'true';
  return server === 'openai' && REASONING_MODEL.test(model.trim());
}

export interface ServerProfile {
  /**
   * Fields that make the server continue the final assistant message instead of starting a new turn; undefined
   * where it cannot (OpenAI). llama.cpp and Ollama continue a final assistant message by themselves.
   */
  continueFields: Readonly<Record<string, unknown>> | undefined;
  /** min_tokens keeps stop strings from firing in the first tokens (vLLM), which an open prefix relies on. */
  minTokensHoldsStops: boolean;
  /** Highest temperature the server takes; undefined for no limit. */
  maxTemperature: number | undefined;
  /** Most stop strings one request may carry; the rest are applied to the text here. */
  maxStops: number | undefined;
  /** The chat field of the token limit: OpenAI deprecated max_tokens there (and reasoning models refuse it). */
  chatTokenField: 'max_tokens' | 'max_completion_tokens';
  /**
   * One seed makes all `n` samples of a request alike (SGLang with --enable-deterministic-inference; without it
   * SGLang ignores the seed): seeded candidates then go one per request, each with its own seed.
   */
  seedApart: boolean;
}

const VLLM_CONTINUE = { continue_final_message: true, add_generation_prompt: false } as const;

export function serverProfile(kind: ServerKind): ServerProfile {
  const base = { maxTemperature: undefined, maxStops: undefined, chatTokenField: 'max_tokens', seedApart: false } as const;
  switch (kind) {
    case 'vllm':
    case 'other':
      return { ...base, continueFields: VLLM_CONTINUE, minTokensHoldsStops: true };
    case 'sglang':
      // SGLang has no add_generation_prompt field: it renders the template with the generation prompt and
      // appends the final assistant message as sent.
      return { ...base, continueFields: { continue_final_message: true }, minTokensHoldsStops: false, seedApart: true };
    case 'llama.cpp':
    case 'ollama':
      return { ...base, continueFields: {}, minTokensHoldsStops: false };
    case 'openai':
      // openai-node 7.5.0: temperature "between 0 and 2", stop "Up to 4 sequences".
      return { continueFields: undefined, minTokensHoldsStops: false, maxTemperature: 2, maxStops: 4, chatTokenField: 'max_completion_tokens', seedApart: false };
  }
}
