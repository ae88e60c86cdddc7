// Original file: ../../protos/arbor/v1/search.proto

import type { JobState as _arbor_v1_JobState, JobState__Output as _arbor_v1_JobState__Output } from '../../arbor/v1/JobState';
import type { Long } from '@grpc/proto-loader';

export interface Job {
  'jobId'?: (string);
  'name'?: (string);
  'state'?: (_arbor_v1_JobState);
  'configurations'?: (string)[];
  'problems'?: (number);
  /**
   * configurations x problems.
   */
  'total'?: (number);
  /**
   * Results in so far, failures included.
   */
  'answered'?: (number);
  'createdUnixMs'?: (number | string | Long);
  /**
   * When it was cancelled; 0 otherwise.
   */
  'cancelledUnixMs'?: (number | string | Long);
}

export interface Job__Output {
  'jobId': (string);
  'name': (string);
  'state': (_arbor_v1_JobState__Output);
  'configurations': (string)[];
  'problems': (number);
  /**
   * configurations x problems.
   */
  'total': (number);
  /**
   * Results in so far, failures included.
   */
  'answered': (number);
  'createdUnixMs': (string);
  /**
   * When it was cancelled; 0 otherwise.
   */
  'cancelledUnixMs': (string);
}
