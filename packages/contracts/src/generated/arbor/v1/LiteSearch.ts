// Original file: ../../protos/arbor/v1/search.proto


/**
 * LiteSearch (Wang et al. 2024): expand the most valuable node that still has budget; a node's budget is the
 * smallest C with 1 - (1 - v)^C >= threshold, scaled by 1/depth and clipped to [2, max_children].
 */
export interface LiteSearch {
  'threshold'?: (number | string);
  'maxChildren'?: (number);
  /**
   * Stop once a finished trajectory's value passes this.
   */
  'stopThreshold'?: (number | string);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  /**
   * Nodes expanded at once, in synchronous waves (1 is the paper's sequential loop).
   */
  'parallelExpansions'?: (number);
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}

/**
 * LiteSearch (Wang et al. 2024): expand the most valuable node that still has budget; a node's budget is the
 * smallest C with 1 - (1 - v)^C >= threshold, scaled by 1/depth and clipped to [2, max_children].
 */
export interface LiteSearch__Output {
  'threshold': (number);
  'maxChildren': (number);
  /**
   * Stop once a finished trajectory's value passes this.
   */
  'stopThreshold': (number);
  'stopOnSolution'?: (boolean);
  'dedupeStates'?: (boolean);
  /**
   * Nodes expanded at once, in synchronous waves (1 is the paper's sequential loop).
   */
  'parallelExpansions': (number);
  '_stopOnSolution'?: "stopOnSolution";
  '_dedupeStates'?: "dedupeStates";
}
