// Original file: ../../protos/arbor/v1/search.proto

import type { JobConfiguration as _arbor_v1_JobConfiguration, JobConfiguration__Output as _arbor_v1_JobConfiguration__Output } from '../../arbor/v1/JobConfiguration';
import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';

export interface SubmitJobRequest {
  /**
   * A label for people (job listings); not unique.
   */
  'name'?: (string);
  'configurations'?: (_arbor_v1_JobConfiguration)[];
  /**
   * Each with an id unique in the job.
   */
  'problems'?: (_arbor_v1_Problem)[];
}

export interface SubmitJobRequest__Output {
  /**
   * A label for people (job listings); not unique.
   */
  'name': (string);
  'configurations': (_arbor_v1_JobConfiguration__Output)[];
  /**
   * Each with an id unique in the job.
   */
  'problems': (_arbor_v1_Problem__Output)[];
}
