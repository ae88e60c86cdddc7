// Original file: ../../protos/arbor/v1/search.proto


export interface ListJobsRequest {
  /**
   * At most this many, newest first; 0 means 100.
   */
  'limit'?: (number);
}

export interface ListJobsRequest__Output {
  /**
   * At most this many, newest first; 0 means 100.
   */
  'limit': (number);
}
