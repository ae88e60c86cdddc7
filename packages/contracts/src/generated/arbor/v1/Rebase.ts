// Original file: ../../protos/arbor/v1/search.proto

import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';

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
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
