// The HTTP client of the openai policy backend, built from its settings.
import { createModelHttpClient, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import type { OpenAiPolicySettings } from './settings.js';

/** Names the server in every error a caller sees, so an UNAVAILABLE says which dependency failed, and where. */
export function policyServerLabel(baseUrl: string): string {
  // Origin and path only: credentials or a key in the URL must not reach callers and logs.
  return serverLabel('policy model server', baseUrl);
}

export function createPolicyModelClient(settings: OpenAiPolicySettings): ModelHttpClient {
  const { baseUrl, apiKey, timeoutMs, maxAttempts } = settings;
  return createModelHttpClient({ baseUrl, apiKey, timeoutMs, maxAttempts, label: policyServerLabel(baseUrl) });
}
