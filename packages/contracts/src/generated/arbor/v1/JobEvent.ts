// Original file: ../../protos/arbor/v1/search.proto

import type { Job as _arbor_v1_Job, Job__Output as _arbor_v1_Job__Output } from '../../arbor/v1/Job';
import type { JobResult as _arbor_v1_JobResult, JobResult__Output as _arbor_v1_JobResult__Output } from '../../arbor/v1/JobResult';

export interface JobEvent {
  'status'?: (_arbor_v1_Job | null);
  'result'?: (_arbor_v1_JobResult | null);
  'event'?: "status"|"result";
}

export interface JobEvent__Output {
  'status'?: (_arbor_v1_Job__Output | null);
  'result'?: (_arbor_v1_JobResult__Output | null);
  'event'?: "status"|"result";
}
