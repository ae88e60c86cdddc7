// The reward service: createRewardService is what the arbor app composes; the rest is for tests and benchmarks.
export { createRewardService, type RewardService } from './service.js';
export type { RewardBackend, RewardItem } from './backend.js';
export { ScoreHandler, MAX_TRAJECTORIES, NO_BATCHING } from './handler.js';
export {
  readRewardConfig,
  rewardBatching,
  rewardConfigShape,
  PRM_PRESETS,
  REWARD_BACKENDS,
  type Batching,
  type PrmPreset,
  type RewardBackendName,
  type RewardConfig,
} from './config.js';
export { createRewardBackend } from './backends/index.js';
export { LABEL_CHECK_PAIRS, labelCheckProblem, labelCheckScores, type LabelCheckScores } from './backends/label-check.js';
export { rewardServerSettings } from './backends/model-server.js';
export { startRewardServer, REWARD_SERVICE_NAME } from './server.js';
export { serveRewardOnNats } from './nats.js';
