// Original file: ../../protos/arbor/v1/search.proto

export const BestFirstPriority = {
  BEST_FIRST_PRIORITY_UNSPECIFIED: 'BEST_FIRST_PRIORITY_UNSPECIFIED',
  /**
   * The value service's estimate.
   */
  BEST_FIRST_PRIORITY_VALUE: 'BEST_FIRST_PRIORITY_VALUE',
  /**
   * Cumulative policy logprob divided by depth^length_penalty.
   */
  BEST_FIRST_PRIORITY_LOGPROB: 'BEST_FIRST_PRIORITY_LOGPROB',
} as const;

export type BestFirstPriority =
  | 'BEST_FIRST_PRIORITY_UNSPECIFIED'
  | 0
  /**
   * The value service's estimate.
   */
  | 'BEST_FIRST_PRIORITY_VALUE'
  | 1
  /**
   * Cumulative policy logprob divided by depth^length_penalty.
   */
  | 'BEST_FIRST_PRIORITY_LOGPROB'
  | 2

export type BestFirstPriority__Output = typeof BestFirstPriority[keyof typeof BestFirstPriority]
