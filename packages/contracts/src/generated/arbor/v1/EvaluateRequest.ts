// Original file: ../../protos/arbor/v1/value.proto

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from '../../arbor/v1/Trajectory';

export interface EvaluateRequest {
  'problem'?: (_arbor_v1_Problem | null);
  /**
   * A batch of partial trajectories of the same problem.
   */
  'states'?: (_arbor_v1_Trajectory)[];
  'callId'?: (string);
}

export interface EvaluateRequest__Output {
  'problem': (_arbor_v1_Problem__Output | null);
  /**
   * A batch of partial trajectories of the same problem.
   */
  'states': (_arbor_v1_Trajectory__Output)[];
  'callId': (string);
}
