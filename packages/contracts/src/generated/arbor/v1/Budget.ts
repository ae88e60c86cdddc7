// Original file: ../../protos/arbor/v1/search.proto


/**
 * Limits on one search. Zero means "no limit" except deadline_ms, where zero means the server default.
 * The search stops at the first limit that binds and reports it as the stop reason.
 */
export interface Budget {
  /**
   * Policy calls that expand a node.
   */
  'maxExpansions'?: (number);
  /**
   * Calls to any model service.
   */
  'maxModelCalls'?: (number);
  /**
   * Input plus output tokens over all calls.
   */
  'maxTokens'?: (number);
  'maxCostUsd'?: (number | string);
  /**
   * Wall-clock limit for the whole search.
   */
  'deadlineMs'?: (number);
  'maxNodes'?: (number);
  /**
   * Steps in any trajectory.
   */
  'maxDepth'?: (number);
  /**
   * Candidate steps the policy generates over the whole search (one call can propose any number of steps).
   */
  'maxGeneratedSteps'?: (number);
  /**
   * Output tokens over all calls (generated tokens: the compute-matched budget of test-time scaling studies).
   */
  'maxOutputTokens'?: (number);
}

/**
 * Limits on one search. Zero means "no limit" except deadline_ms, where zero means the server default.
 * The search stops at the first limit that binds and reports it as the stop reason.
 */
export interface Budget__Output {
  /**
   * Policy calls that expand a node.
   */
  'maxExpansions': (number);
  /**
   * Calls to any model service.
   */
  'maxModelCalls': (number);
  /**
   * Input plus output tokens over all calls.
   */
  'maxTokens': (number);
  'maxCostUsd': (number);
  /**
   * Wall-clock limit for the whole search.
   */
  'deadlineMs': (number);
  'maxNodes': (number);
  /**
   * Steps in any trajectory.
   */
  'maxDepth': (number);
  /**
   * Candidate steps the policy generates over the whole search (one call can propose any number of steps).
   */
  'maxGeneratedSteps': (number);
  /**
   * Output tokens over all calls (generated tokens: the compute-matched budget of test-time scaling studies).
   */
  'maxOutputTokens': (number);
}
