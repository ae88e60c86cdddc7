// The HTTP client of the openai policy backend, built from its settings.
import { createModelHttpClient, createPooledModelHttpClient, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import type { OpenAiPolicySettings } from './settings.js';

/** Names the server in every error a caller sees, so an UNAVAILABLE says which dependency failed, and where. */
export function policyServerLabel(baseUrl: string): string {
  // Origin and path only: credentials or a key in the URL must not reach callers and logs.
  return serverLabel('policy model server', baseUrl);
}

/**
 * One server's client, or, for several servers (a list, or a name looked up again), the pooled client that
 * routes each request by its prompt (ARBOR_POLICY_ROUTING).
 */
export function createPolicyModelClient(settings: OpenAiPolicySettings): ModelHttpClient {
  const { baseUrl, apiKey, timeoutMs, maxAttempts, servers } = settings;
  if (!servers || (servers.baseUrls.length <= 1 && servers.resolveEveryMs === 0)) {
    return createModelHttpClient({ baseUrl, apiKey, timeoutMs, maxAttempts, label: policyServerLabel(baseUrl) });
  }
  return createPooledModelHttpClient({
    baseUrls: servers.baseUrls,
    apiKey,
    timeoutMs,
    maxAttempts,
    label: policyServerLabel,
    pool: { routing: servers.routing, loadFactor: servers.loadFactor },
    resolveEveryMs: servers.resolveEveryMs,
  });
}
