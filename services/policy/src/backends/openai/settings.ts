// What the openai policy backend needs to know, lifted out of the service config so tests can build it directly.
import type { ChatPrefix, PolicyApi, PolicyConfig } from '../../config.js';
import { resolveReasoning, resolveServerKind, type ServerKind } from './server-kind.js';

export interface OpenAiPolicySettings {
  /** e.g. http://127.0.0.1:8000/v1 */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  api: PolicyApi;
  /** The server's kind, resolved (never 'auto'): which request fields and limits apply. */
  server: ServerKind;
  /** A reasoning model: no temperature, top_p, logprobs or stop strings; max_completion_tokens. */
  reasoning: boolean;
  /** Reasoning models: OpenAI's reasoning_effort; '' sends none. */
  reasoningEffort: string;
  /** With api 'chat': continue a final assistant message holding the steps so far (vLLM, SGLang). */
  chatContinue: boolean;
  /** Where a continued message ends: with the delimiter, before it, or closed until the template shows it trims. */
  chatPrefix: ChatPrefix;
  /** Defaults for the sampling fields a request leaves zero. */
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Ask the server for token logprobs. */
  logprobs: boolean;
  /** Most candidates one HTTP request asks for (`n`). */
  maxN: number;
  timeoutMs: number;
  maxAttempts: number;
  /** Replaces the built-in instruction of every task when non-empty. */
  systemPrompt: string;
}

/** Settings from a validated config (readPolicyConfig has already checked that BASE_URL and MODEL are set). */
export function openAiSettingsFromConfig(config: PolicyConfig): OpenAiPolicySettings {
  const apiKey = config.apiKey();
  const server = resolveServerKind(config.ARBOR_POLICY_SERVER, config.ARBOR_POLICY_BASE_URL);
  return {
    baseUrl: config.ARBOR_POLICY_BASE_URL,
    model: config.ARBOR_POLICY_MODEL.trim(),
    ...(apiKey && { apiKey }),
    api: config.ARBOR_POLICY_API,
    server,
    reasoning: resolveReasoning(config.ARBOR_POLICY_REASONING, server, config.ARBOR_POLICY_MODEL),
    reasoningEffort: config.ARBOR_POLICY_REASONING_EFFORT,
    chatContinue: config.ARBOR_POLICY_CHAT_CONTINUE,
    chatPrefix: config.ARBOR_POLICY_CHAT_PREFIX,
    temperature: config.ARBOR_POLICY_TEMPERATURE,
    topP: config.ARBOR_POLICY_TOP_P,
    maxTokens: config.ARBOR_POLICY_MAX_TOKENS,
    logprobs: config.ARBOR_POLICY_LOGPROBS,
    maxN: config.ARBOR_POLICY_MAX_N,
    timeoutMs: config.ARBOR_POLICY_HTTP_TIMEOUT_MS,
    maxAttempts: config.ARBOR_POLICY_HTTP_MAX_ATTEMPTS,
    systemPrompt: config.ARBOR_POLICY_SYSTEM_PROMPT.trim(),
  };
}
