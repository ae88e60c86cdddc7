// Original file: ../../protos/arbor/v1/search.proto

export const JobState = {
  JOB_STATE_UNSPECIFIED: 'JOB_STATE_UNSPECIFIED',
  /**
   * Problems are queued or running.
   */
  JOB_STATE_RUNNING: 'JOB_STATE_RUNNING',
  /**
   * Every (configuration, problem) has its result.
   */
  JOB_STATE_DONE: 'JOB_STATE_DONE',
  JOB_STATE_CANCELLED: 'JOB_STATE_CANCELLED',
} as const;

export type JobState =
  | 'JOB_STATE_UNSPECIFIED'
  | 0
  /**
   * Problems are queued or running.
   */
  | 'JOB_STATE_RUNNING'
  | 1
  /**
   * Every (configuration, problem) has its result.
   */
  | 'JOB_STATE_DONE'
  | 2
  | 'JOB_STATE_CANCELLED'
  | 3

export type JobState__Output = typeof JobState[keyof typeof JobState]
