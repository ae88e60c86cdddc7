// Original file: ../../protos/arbor/v1/policy.proto

import type { Step as _arbor_v1_Step, Step__Output as _arbor_v1_Step__Output } from '../../arbor/v1/Step';

export interface Candidate {
  'step'?: (_arbor_v1_Step | null);
  /**
   * True when this step ends the trajectory (a final answer was written).
   */
  'terminal'?: (boolean);
  /**
   * The final answer when terminal, e.g. "(13-9)*(10-4)".
   */
  'answer'?: (string);
}

export interface Candidate__Output {
  'step': (_arbor_v1_Step__Output | null);
  /**
   * True when this step ends the trajectory (a final answer was written).
   */
  'terminal': (boolean);
  /**
   * The final answer when terminal, e.g. "(13-9)*(10-4)".
   */
  'answer': (string);
}
