// Original file: ../../protos/arbor/v1/common.proto


/**
 * One reasoning step, e.g. "13 - 9 = 4 (left: 4 4 10)".
 */
export interface Step {
  'text'?: (string);
  /**
   * Log-probability of the step under the policy that wrote it (sum over its tokens).
   */
  'logprob'?: (number | string);
  /**
   * Tokens generated for this step.
   */
  'tokens'?: (number);
}

/**
 * One reasoning step, e.g. "13 - 9 = 4 (left: 4 4 10)".
 */
export interface Step__Output {
  'text': (string);
  /**
   * Log-probability of the step under the policy that wrote it (sum over its tokens).
   */
  'logprob': (number);
  /**
   * Tokens generated for this step.
   */
  'tokens': (number);
}
