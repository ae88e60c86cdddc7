// Original file: ../../protos/arbor/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Sampling settings for a policy call. Zero values mean "the backend's default".
 */
export interface Sampling {
  'temperature'?: (number | string);
  'topP'?: (number | string);
  'maxTokens'?: (number);
  /**
   * Seed for this call. The orchestrator derives it from the search seed and the node,
   * so the same search seed gives the same tree whatever the transport.
   */
  'seed'?: (number | string | Long);
  'stop'?: (string)[];
}

/**
 * Sampling settings for a policy call. Zero values mean "the backend's default".
 */
export interface Sampling__Output {
  'temperature': (number);
  'topP': (number);
  'maxTokens': (number);
  /**
   * Seed for this call. The orchestrator derives it from the search seed and the node,
   * so the same search seed gives the same tree whatever the transport.
   */
  'seed': (string);
  'stop': (string)[];
}
