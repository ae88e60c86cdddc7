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
  /**
   * Optional: an id of the caller's choosing (letters, digits, - and _, at most 64), so that a submission sent
   * again after a lost reply finds the job it made instead of queueing a second one. Empty: the server assigns one.
   */
  'jobId'?: (string);
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
  /**
   * Optional: an id of the caller's choosing (letters, digits, - and _, at most 64), so that a submission sent
   * again after a lost reply finds the job it made instead of queueing a second one. Empty: the server assigns one.
   */
  'jobId': (string);
}
