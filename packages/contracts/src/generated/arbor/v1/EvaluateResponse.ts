// Original file: ../../protos/arbor/v1/value.proto

import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from '../../arbor/v1/Usage';

export interface EvaluateResponse {
  /**
   * One estimate in [0, 1] per state, in request order.
   */
  'values'?: (number | string)[];
  'usage'?: (_arbor_v1_Usage | null);
}

export interface EvaluateResponse__Output {
  /**
   * One estimate in [0, 1] per state, in request order.
   */
  'values': (number)[];
  'usage': (_arbor_v1_Usage__Output | null);
}
