// Original file: ../../protos/arbor/v1/search.proto

/**
 * How step-level process rewards are folded into one trajectory score.
 */
export const RewardAggregation = {
  REWARD_AGGREGATION_UNSPECIFIED: 'REWARD_AGGREGATION_UNSPECIFIED',
  REWARD_AGGREGATION_LAST: 'REWARD_AGGREGATION_LAST',
  REWARD_AGGREGATION_MIN: 'REWARD_AGGREGATION_MIN',
  REWARD_AGGREGATION_PRODUCT: 'REWARD_AGGREGATION_PRODUCT',
} as const;

/**
 * How step-level process rewards are folded into one trajectory score.
 */
export type RewardAggregation =
  | 'REWARD_AGGREGATION_UNSPECIFIED'
  | 0
  | 'REWARD_AGGREGATION_LAST'
  | 1
  | 'REWARD_AGGREGATION_MIN'
  | 2
  | 'REWARD_AGGREGATION_PRODUCT'
  | 3

/**
 * How step-level process rewards are folded into one trajectory score.
 */
export type RewardAggregation__Output = typeof RewardAggregation[keyof typeof RewardAggregation]
