export type { RewardBackend } from './backend.js';
export { ScoreHandler, MAX_TRAJECTORIES } from './handler.js';
export { readRewardConfig, rewardConfigShape, REWARD_BACKENDS, type RewardConfig } from './config.js';
export { createRewardBackend } from './backends/index.js';
export { startRewardServer, REWARD_SERVICE_NAME } from './server.js';
export { serveRewardOnNats } from './nats.js';
