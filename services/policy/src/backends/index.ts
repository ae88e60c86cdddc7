// Picks the policy backend named by configuration.
import { sleep } from '@arbor/kit';
import type { PolicyBackend } from '../backend.js';
import type { PolicyConfig } from '../config.js';
import { createEmbeddedPolicy } from './embedded.js';
import { createOpenAiPolicy, type NoticeLogger } from './openai/policy.js';
import { openAiSettingsFromConfig } from './openai/settings.js';

/** `log`: where the openai backend says how it adapted to its server (a logger named "policy" when left out). */
export function createPolicyBackend(config: PolicyConfig, log?: NoticeLogger): PolicyBackend {
  switch (config.ARBOR_POLICY_BACKEND) {
    case 'embedded':
      return withLatency(createEmbeddedPolicy({ slipRate: config.ARBOR_POLICY_SLIP_RATE }), config.ARBOR_POLICY_EMBEDDED_LATENCY_MS);
    case 'openai':
      return createOpenAiPolicy(openAiSettingsFromConfig(config), log ? { log } : {});
  }
}

/**
 * Makes an embedded backend answer after a fixed delay, to stand in for a model server's latency in
 * benchmarks and failure tests (a replica killed mid-call needs calls that take time).
 */
function withLatency(backend: PolicyBackend, latencyMs: number): PolicyBackend {
  if (latencyMs <= 0) return backend;
  return {
    name: backend.name,
    async propose(request, signal) {
      await sleep(latencyMs, signal);
      return backend.propose(request, signal);
    },
  };
}
