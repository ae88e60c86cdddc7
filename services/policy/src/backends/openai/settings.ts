// What the openai policy backend needs to know, lifted out of the service config so tests can build it directly.
import type { ChatPrefix, PolicyApi, PolicyConfig } from '../../config.js';
import { urlsOf } from '@arbor/kit';
import type { RoutingPolicy } from '@arbor/kit/model-http';
import { resolveReasoning, resolveServerKind, type ServerKind } from './server-kind.js';

export interface OpenAiPolicySettings {
  /** e.g. http://127.0.0.1:8000/v1 */
  baseUrl: string;
  /** Every server of the model (baseUrl first), and how requests are spread over them. */
  servers?: { baseUrls: string[]; routing: RoutingPolicy; loadFactor: number; resolveEveryMs: number };
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
  const baseUrls = urlsOf(config.ARBOR_POLICY_BASE_URL);
  const server = resolveServerKind(config.ARBOR_POLICY_SERVER, baseUrls[0] ?? '');
  return {
    baseUrl: baseUrls[0] ?? '',
    servers: {
      baseUrls,
      routing: config.ARBOR_POLICY_ROUTING,
      loadFactor: config.ARBOR_POLICY_ROUTING_LOAD_FACTOR,
      resolveEveryMs: config.ARBOR_POLICY_RESOLVE_EVERY_MS,
    },
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
