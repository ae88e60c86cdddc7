// Original file: ../../protos/arbor/v1/search.proto

import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';
import type { Vote as _arbor_v1_Vote, Vote__Output as _arbor_v1_Vote__Output } from '../../arbor/v1/Vote';

/**
 * Diverse verifier tree search (Beeching et al. 2024): n_beams / expansions_per_beam independent subtrees,
 * each a greedy step-level beam search, so the beams cannot collapse onto one prefix.
 */
export interface Dvts {
  'nBeams'?: (number);
  'expansionsPerBeam'?: (number);
  'aggregation'?: (_arbor_v1_RewardAggregation);
  'useValue'?: (boolean);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  /**
   * How the subtrees' finished trajectories pick the answer.
   */
  'vote'?: (_arbor_v1_Vote);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * Diverse verifier tree search (Beeching et al. 2024): n_beams / expansions_per_beam independent subtrees,
 * each a greedy step-level beam search, so the beams cannot collapse onto one prefix.
 */
export interface Dvts__Output {
  'nBeams': (number);
  'expansionsPerBeam': (number);
  'aggregation': (_arbor_v1_RewardAggregation__Output);
  'useValue'?: (boolean);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  /**
   * How the subtrees' finished trajectories pick the answer.
   */
  'vote': (_arbor_v1_Vote__Output);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
