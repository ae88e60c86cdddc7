// Builds the Score handler a reward service runs, from its config: the configured backend and batching.
import type { ServicePrices } from '@arbor/kit';
import { createRewardBackend } from './backends/index.js';
import { rewardBatching, type RewardConfig } from './config.js';
import { ScoreHandler } from './handler.js';

export function buildScoreHandler(config: RewardConfig, prices: ServicePrices): ScoreHandler {
  return new ScoreHandler(createRewardBackend(config), prices, rewardBatching(config));
}
