// Original file: ../../protos/arbor/v1/reward.proto

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from '../../arbor/v1/Trajectory';

export interface ScoreRequest {
  'problem'?: (_arbor_v1_Problem | null);
  /**
   * A batch of trajectories of the same problem.
   */
  'trajectories'?: (_arbor_v1_Trajectory)[];
  'callId'?: (string);
}

export interface ScoreRequest__Output {
  'problem': (_arbor_v1_Problem__Output | null);
  /**
   * A batch of trajectories of the same problem.
   */
  'trajectories': (_arbor_v1_Trajectory__Output)[];
  'callId': (string);
}
