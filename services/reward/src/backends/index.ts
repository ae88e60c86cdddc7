// Picks the reward backend named by configuration.
import { sleep } from '@arbor/kit';
import type { RewardBackend } from '../backend.js';
import type { RewardConfig } from '../config.js';
import { createEmbeddedReward } from './embedded.js';

export function createRewardBackend(config: RewardConfig): RewardBackend {
  switch (config.ARBOR_REWARD_BACKEND) {
    case 'embedded':
      return withLatency(createEmbeddedReward(), config.ARBOR_REWARD_EMBEDDED_LATENCY_MS);
  }
}

/**
 * Makes an embedded backend answer after a fixed delay, to stand in for a model server's latency in
 * benchmarks and failure tests (a replica killed mid-call needs calls that take time).
 */
function withLatency(backend: RewardBackend, latencyMs: number): RewardBackend {
  if (latencyMs <= 0) return backend;
  return {
    name: backend.name,
    async score(request, signal) {
      await sleep(latencyMs, signal);
      return backend.score(request, signal);
    },
  };
}
