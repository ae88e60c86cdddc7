// Original file: ../../protos/arbor/v1/search.proto

import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';
import type { Vote as _arbor_v1_Vote, Vote__Output as _arbor_v1_Vote__Output } from '../../arbor/v1/Vote';

/**
 * REBASE (Wu et al. 2024): each level's expansion width is shared out by a softmax over the nodes' rewards.
 */
export interface Rebase {
  'width'?: (number);
  'temperature'?: (number | string);
  'aggregation'?: (_arbor_v1_RewardAggregation);
  'useValue'?: (boolean);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  'vote'?: (_arbor_v1_Vote);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * REBASE (Wu et al. 2024): each level's expansion width is shared out by a softmax over the nodes' rewards.
 */
export interface Rebase__Output {
  'width': (number);
  'temperature': (number);
  'aggregation': (_arbor_v1_RewardAggregation__Output);
  'useValue'?: (boolean);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  'vote': (_arbor_v1_Vote__Output);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
