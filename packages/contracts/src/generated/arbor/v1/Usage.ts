// Original file: ../../protos/arbor/v1/common.proto


/**
 * Resources one model response consumed. Token counts fit 32 bits per call and per search,
 * which keeps them plain numbers in every language binding.
 */
export interface Usage {
  'inputTokens'?: (number);
  'outputTokens'?: (number);
  'calls'?: (number);
  'costUsd'?: (number | string);
  /**
   * Time the backend spent computing the response, excluding transport.
   */
  'computeMs'?: (number | string);
  /**
   * Model (or embedded backend) that answered, e.g. "embedded/countdown-policy".
   */
  'model'?: (string);
  /**
   * True when token counts are estimated from text rather than reported by a model server.
   */
  'estimated'?: (boolean);
  /**
   * Of input_tokens, those the model server reported as served from its prefix cache (0 when it reports none).
   */
  'cachedInputTokens'?: (number);
}

/**
 * Resources one model response consumed. Token counts fit 32 bits per call and per search,
 * which keeps them plain numbers in every language binding.
 */
export interface Usage__Output {
  'inputTokens': (number);
  'outputTokens': (number);
  'calls': (number);
  'costUsd': (number);
  /**
   * Time the backend spent computing the response, excluding transport.
   */
  'computeMs': (number);
  /**
   * Model (or embedded backend) that answered, e.g. "embedded/countdown-policy".
   */
  'model': (string);
  /**
   * True when token counts are estimated from text rather than reported by a model server.
   */
  'estimated': (boolean);
  /**
   * Of input_tokens, those the model server reported as served from its prefix cache (0 when it reports none).
   */
  'cachedInputTokens': (number);
}
