// Picks the reward backend named by configuration.
import type { RewardBackend } from '../backend.js';
import type { RewardConfig } from '../config.js';
import { createEmbeddedReward } from './embedded.js';

export function createRewardBackend(config: RewardConfig): RewardBackend {
  switch (config.ARBOR_REWARD_BACKEND) {
    case 'embedded':
      return createEmbeddedReward();
  }
}
