// Original file: ../../protos/arbor/v1/search.proto

import type { FinalChoice as _arbor_v1_FinalChoice, FinalChoice__Output as _arbor_v1_FinalChoice__Output } from '../../arbor/v1/FinalChoice';

/**
 * Monte Carlo tree search with PUCT (policy priors from logprobs, leaf values from the value service).
 */
export interface Mcts {
  'simulations'?: (number);
  'cPuct'?: (number | string);
  /**
   * Children proposed when a node is expanded.
   */
  'childrenPerNode'?: (number);
  'finalChoice'?: (_arbor_v1_FinalChoice);
  /**
   * Stop as soon as a trajectory with full outcome reward is found. Unset means the server default.
   */
  'stopOnSolution'?: (boolean);
  /**
   * Simulations in flight at once; virtual loss keeps them on different paths.
   */
  'parallelSimulations'?: (number);
  'virtualLoss'?: (number | string);
  /**
   * Progressive widening: a node may have at most ceil(widen_c * visits^widen_alpha) children.
   */
  'progressiveWidening'?: (boolean);
  'widenC'?: (number | string);
  'widenAlpha'?: (number | string);
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_progressiveWidening'?: "progressiveWidening";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * Monte Carlo tree search with PUCT (policy priors from logprobs, leaf values from the value service).
 */
export interface Mcts__Output {
  'simulations': (number);
  'cPuct': (number);
  /**
   * Children proposed when a node is expanded.
   */
  'childrenPerNode': (number);
  'finalChoice': (_arbor_v1_FinalChoice__Output);
  /**
   * Stop as soon as a trajectory with full outcome reward is found. Unset means the server default.
   */
  'stopOnSolution'?: (boolean);
  /**
   * Simulations in flight at once; virtual loss keeps them on different paths.
   */
  'parallelSimulations': (number);
  'virtualLoss': (number);
  /**
   * Progressive widening: a node may have at most ceil(widen_c * visits^widen_alpha) children.
   */
  'progressiveWidening'?: (boolean);
  'widenC': (number);
  'widenAlpha': (number);
  'dedupeStates'?: (boolean);
  '_stopOnSolution'?: "stopOnSolution";
  '_progressiveWidening'?: "progressiveWidening";
  '_dedupeStates'?: "dedupeStates";
}
