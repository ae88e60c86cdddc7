// Original file: ../../protos/arbor/v1/reward.proto

import type { StepRewards as _arbor_v1_StepRewards, StepRewards__Output as _arbor_v1_StepRewards__Output } from '../../arbor/v1/StepRewards';
import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from '../../arbor/v1/Usage';

export interface ScoreResponse {
  /**
   * One entry per trajectory, in request order.
   */
  'rewards'?: (_arbor_v1_StepRewards)[];
  'usage'?: (_arbor_v1_Usage | null);
}

export interface ScoreResponse__Output {
  /**
   * One entry per trajectory, in request order.
   */
  'rewards': (_arbor_v1_StepRewards__Output)[];
  'usage': (_arbor_v1_Usage__Output | null);
}
