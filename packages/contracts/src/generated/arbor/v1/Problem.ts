// Original file: ../../protos/arbor/v1/common.proto


/**
 * A problem instance. Model services are stateless, so every request carries it whole.
 */
export interface Problem {
  /**
   * Task domain, e.g. "countdown" or "math".
   */
  'task'?: (string);
  /**
   * Caller's identifier for the problem; free-form, used in logs and results only.
   */
  'id'?: (string);
  /**
   * The problem text. For countdown: the input numbers separated by spaces, e.g. "4 9 10 13".
   */
  'question'?: (string);
  /**
   * Task parameters, e.g. {"target": "24"} for countdown or {"reference": "42"} for math.
   */
  'params'?: ({[key: string]: string});
}

/**
 * A problem instance. Model services are stateless, so every request carries it whole.
 */
export interface Problem__Output {
  /**
   * Task domain, e.g. "countdown" or "math".
   */
  'task': (string);
  /**
   * Caller's identifier for the problem; free-form, used in logs and results only.
   */
  'id': (string);
  /**
   * The problem text. For countdown: the input numbers separated by spaces, e.g. "4 9 10 13".
   */
  'question': (string);
  /**
   * Task parameters, e.g. {"target": "24"} for countdown or {"reference": "42"} for math.
   */
  'params': ({[key: string]: string});
}
