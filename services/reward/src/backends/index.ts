// Picks the reward backend named by configuration, wrapped with the exact math outcome when asked for.
import { sleep } from '@arbor/kit';
import type { RewardBackend } from '../backend.js';
import type { RewardConfig } from '../config.js';
import { createEmbeddedReward } from './embedded.js';
import { createMathVerifyReward } from './math-verify.js';
import { withLabelCheck } from './label-check.js';
import { rewardServerSettings } from './model-server.js';
import { createJudgeReward } from './openai-judge.js';
import { withVerifiedOutcome } from './verify-outcome.js';
import { createVllmPrmReward } from './vllm-prm.js';

export function createRewardBackend(config: RewardConfig): RewardBackend {
  const backend = chosenBackend(config);
  return config.ARBOR_REWARD_VERIFY_OUTCOME ? withVerifiedOutcome(backend) : backend;
}

function chosenBackend(config: RewardConfig): RewardBackend {
  switch (config.ARBOR_REWARD_BACKEND) {
    case 'embedded':
      return withLatency(createEmbeddedReward(), config.ARBOR_REWARD_EMBEDDED_LATENCY_MS);
    case 'vllm-prm': {
      const settings = rewardServerSettings(config);
      const prm = createVllmPrmReward(settings);
      return config.ARBOR_REWARD_PRM_LABEL_CHECK ? withLabelCheck(prm, settings.prm) : prm;
    }
    case 'openai-judge':
      return createJudgeReward(rewardServerSettings(config));
    case 'math-verify':
      return createMathVerifyReward();
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
    check: (problem) => backend.check(problem),
    async score(items, signal) {
      await sleep(latencyMs, signal);
      return backend.score(items, signal);
    },
  };
}
