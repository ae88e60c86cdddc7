// Original file: ../../protos/arbor/v1/policy.proto

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from '../../arbor/v1/Trajectory';
import type { Sampling as _arbor_v1_Sampling, Sampling__Output as _arbor_v1_Sampling__Output } from '../../arbor/v1/Sampling';

export interface ProposeRequest {
  'problem'?: (_arbor_v1_Problem | null);
  /**
   * The steps so far; empty at the root.
   */
  'prefix'?: (_arbor_v1_Trajectory | null);
  /**
   * How many candidate next steps to return (distinct where the backend can tell).
   */
  'numCandidates'?: (number);
  'sampling'?: (_arbor_v1_Sampling | null);
  /**
   * Idempotency key: a retried call carries the same id.
   */
  'callId'?: (string);
}

export interface ProposeRequest__Output {
  'problem': (_arbor_v1_Problem__Output | null);
  /**
   * The steps so far; empty at the root.
   */
  'prefix': (_arbor_v1_Trajectory__Output | null);
  /**
   * How many candidate next steps to return (distinct where the backend can tell).
   */
  'numCandidates': (number);
  'sampling': (_arbor_v1_Sampling__Output | null);
  /**
   * Idempotency key: a retried call carries the same id.
   */
  'callId': (string);
}
