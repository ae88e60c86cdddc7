// Original file: ../../protos/arbor/v1/search.proto


/**
 * Usage of one model service over a search.
 */
export interface ServiceCost {
  'service'?: (string);
  'calls'?: (number);
  'inputTokens'?: (number);
  'outputTokens'?: (number);
  'costUsd'?: (number | string);
  'cachedInputTokens'?: (number);
}

/**
 * Usage of one model service over a search.
 */
export interface ServiceCost__Output {
  'service': (string);
  'calls': (number);
  'inputTokens': (number);
  'outputTokens': (number);
  'costUsd': (number);
  'cachedInputTokens': (number);
}
