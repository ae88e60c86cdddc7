// Original file: ../../protos/arbor/v1/search.proto

import type { BestFirstPriority as _arbor_v1_BestFirstPriority, BestFirstPriority__Output as _arbor_v1_BestFirstPriority__Output } from '../../arbor/v1/BestFirstPriority';

/**
 * Best-first search over a priority queue of open nodes (BFS-Prover, Xin et al. 2025).
 */
export interface BestFirst {
  'childrenPerNode'?: (number);
  'priority'?: (_arbor_v1_BestFirstPriority);
  'lengthPenalty'?: (number | string);
  /**
   * Best nodes expanded at once, in synchronous waves.
   */
  'parallelExpansions'?: (number);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * Best-first search over a priority queue of open nodes (BFS-Prover, Xin et al. 2025).
 */
export interface BestFirst__Output {
  'childrenPerNode': (number);
  'priority': (_arbor_v1_BestFirstPriority__Output);
  'lengthPenalty': (number);
  /**
   * Best nodes expanded at once, in synchronous waves.
   */
  'parallelExpansions': (number);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
