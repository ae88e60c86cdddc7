// Original file: ../../protos/arbor/v1/common.proto

import type { Step as _arbor_v1_Step, Step__Output as _arbor_v1_Step__Output } from '../../arbor/v1/Step';

export interface Trajectory {
  'steps'?: (_arbor_v1_Step)[];
}

export interface Trajectory__Output {
  'steps': (_arbor_v1_Step__Output)[];
}
