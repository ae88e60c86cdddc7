// What the value backends that call a model server need, lifted out of the service config so tests can build
// them directly, and the HTTP client made from it.
import { createModelHttpClient, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import type { JudgeApi, JudgeServerSetting } from '@arbor/judge';
import type { ValueConfig } from '../config.js';

export interface ValueServerSettings {
  /** openai-judge: the OpenAI API base, e.g. http://127.0.0.1:8000/v1. http: the value head's full URL. */
  url: string;
  /** Sent in every request; empty leaves it out (http only: openai-judge requires it). */
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  /** openai-judge: unset takes the server's default (chat on OpenAI, completions elsewhere). */
  api?: JudgeApi | undefined;
  /** openai-judge: the server's kind, or `auto` to ask it; default `vllm`. */
  server?: JudgeServerSetting;
  timeoutMs: number;
  maxAttempts: number;
}

/** Settings from a validated config (readValueConfig has already checked the settings each backend needs). */
export function valueServerSettings(config: ValueConfig): ValueServerSettings {
  const apiKey = config.apiKey();
  return {
    url: config.ARBOR_VALUE_BASE_URL ?? '',
    model: config.ARBOR_VALUE_MODEL.trim(),
    ...(apiKey && { apiKey }),
    api: config.ARBOR_VALUE_API,
    server: config.ARBOR_VALUE_SERVER,
    timeoutMs: config.ARBOR_VALUE_HTTP_TIMEOUT_MS,
    maxAttempts: config.ARBOR_VALUE_HTTP_MAX_ATTEMPTS,
  };
}

/**
 * Names the server in every error a caller sees, so an UNAVAILABLE says which dependency failed. Origin and path
 * only: a key in the URL's userinfo or query must not reach callers and logs.
 */
export function valueServerLabel(url: string): string {
  return serverLabel('value model server', url);
}

export function valueHttpClient(settings: ValueServerSettings, baseUrl: string): ModelHttpClient {
  const { apiKey, timeoutMs, maxAttempts } = settings;
  return createModelHttpClient({ baseUrl, apiKey, timeoutMs, maxAttempts, label: valueServerLabel(settings.url) });
}
