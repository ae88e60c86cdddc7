// Original file: ../../protos/arbor/v1/search.proto

export const SearchStatus = {
  SEARCH_STATUS_UNSPECIFIED: 'SEARCH_STATUS_UNSPECIFIED',
  /**
   * Admitted and waiting for a slot, or running.
   */
  SEARCH_STATUS_RUNNING: 'SEARCH_STATUS_RUNNING',
  /**
   * Ended with a result (any stop reason).
   */
  SEARCH_STATUS_FINISHED: 'SEARCH_STATUS_FINISHED',
  /**
   * Ended with an error status instead of a result.
   */
  SEARCH_STATUS_FAILED: 'SEARCH_STATUS_FAILED',
} as const;

export type SearchStatus =
  | 'SEARCH_STATUS_UNSPECIFIED'
  | 0
  /**
   * Admitted and waiting for a slot, or running.
   */
  | 'SEARCH_STATUS_RUNNING'
  | 1
  /**
   * Ended with a result (any stop reason).
   */
  | 'SEARCH_STATUS_FINISHED'
  | 2
  /**
   * Ended with an error status instead of a result.
   */
  | 'SEARCH_STATUS_FAILED'
  | 3

export type SearchStatus__Output = typeof SearchStatus[keyof typeof SearchStatus]
