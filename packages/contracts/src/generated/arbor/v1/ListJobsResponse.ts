// Original file: ../../protos/arbor/v1/search.proto

import type { Job as _arbor_v1_Job, Job__Output as _arbor_v1_Job__Output } from '../../arbor/v1/Job';

export interface ListJobsResponse {
  'jobs'?: (_arbor_v1_Job)[];
}

export interface ListJobsResponse__Output {
  'jobs': (_arbor_v1_Job__Output)[];
}
