// Original file: ../../protos/arbor/v1/search.proto

import type { RewardAggregation as _arbor_v1_RewardAggregation, RewardAggregation__Output as _arbor_v1_RewardAggregation__Output } from '../../arbor/v1/RewardAggregation';

/**
 * Step-level beam search guided by a process reward model (Snell et al. 2024).
 */
export interface BeamSearch {
  /**
   * Beams kept after each level (N).
   */
  'beamWidth'?: (number);
  /**
   * Candidate next steps proposed per beam (M).
   */
  'expansionsPerBeam'?: (number);
  'aggregation'?: (_arbor_v1_RewardAggregation);
  /**
   * Multiply the aggregated process reward by the value service's estimate when ranking beams.
   * Unset booleans here and below mean the server default.
   */
  'useValue'?: (boolean);
  /**
   * Stop as soon as a finished trajectory with full outcome reward is found.
   */
  'stopOnSolution'?: (boolean);
  /**
   * Drop a child whose state equals one already kept at the same level.
   */
  'dedupeStates'?: (boolean);
  /**
   * Roll each candidate this many steps further (greedily) and score it at the end of the lookahead.
   */
  'lookahead'?: (number);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * Step-level beam search guided by a process reward model (Snell et al. 2024).
 */
export interface BeamSearch__Output {
  /**
   * Beams kept after each level (N).
   */
  'beamWidth': (number);
  /**
   * Candidate next steps proposed per beam (M).
   */
  'expansionsPerBeam': (number);
  'aggregation': (_arbor_v1_RewardAggregation__Output);
  /**
   * Multiply the aggregated process reward by the value service's estimate when ranking beams.
   * Unset booleans here and below mean the server default.
   */
  'useValue'?: (boolean);
  /**
   * Stop as soon as a finished trajectory with full outcome reward is found.
   */
  'stopOnSolution'?: (boolean);
  /**
   * Drop a child whose state equals one already kept at the same level.
   */
  'dedupeStates'?: (boolean);
  /**
   * Roll each candidate this many steps further (greedily) and score it at the end of the lookahead.
   */
  'lookahead': (number);
  '_useValue'?: "useValue";
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
