// Original file: ../../protos/arbor/v1/search.proto

import type { Vote as _arbor_v1_Vote, Vote__Output as _arbor_v1_Vote__Output } from '../../arbor/v1/Vote';
import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';

/**
 * Best-of-N: sample N complete trajectories, then vote.
 */
export interface BestOfN {
  'n'?: (number);
  'vote'?: (_arbor_v1_Vote);
  'aggregation'?: (_arbor_v1_RewardAggregation);
  /**
   * Stop as soon as a trajectory with full outcome reward is found (best-of-N with a verifier).
   * Unset means the server default.
   */
  'stopOnSolution'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
}

/**
 * Best-of-N: sample N complete trajectories, then vote.
 */
export interface BestOfN__Output {
  'n': (number);
  'vote': (_arbor_v1_Vote__Output);
  'aggregation': (_arbor_v1_RewardAggregation__Output);
  /**
   * Stop as soon as a trajectory with full outcome reward is found (best-of-N with a verifier).
   * Unset means the server default.
   */
  'stopOnSolution'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
}
