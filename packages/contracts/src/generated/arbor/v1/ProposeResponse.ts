// Original file: ../../protos/arbor/v1/policy.proto

import type { Candidate as _arbor_v1_Candidate, Candidate__Output as _arbor_v1_Candidate__Output } from '../../arbor/v1/Candidate';
import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from '../../arbor/v1/Usage';

export interface ProposeResponse {
  'candidates'?: (_arbor_v1_Candidate)[];
  'usage'?: (_arbor_v1_Usage | null);
  /**
   * Steps the model wrote that the backend dropped because the task's checker rejected them (e.g. a countdown
   * step using a number that is not left); they were generated and paid for, so they are counted.
   */
  'invalidCandidates'?: (number);
}

export interface ProposeResponse__Output {
  'candidates': (_arbor_v1_Candidate__Output)[];
  'usage': (_arbor_v1_Usage__Output | null);
  /**
   * Steps the model wrote that the backend dropped because the task's checker rejected them (e.g. a countdown
   * step using a number that is not left); they were generated and paid for, so they are counted.
   */
  'invalidCandidates': (number);
}
