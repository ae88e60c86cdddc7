// Original file: ../../protos/arbor/v1/search.proto

export const Vote = {
  VOTE_UNSPECIFIED: 'VOTE_UNSPECIFIED',
  /**
   * Self-consistency: the most frequent answer wins.
   */
  VOTE_MAJORITY: 'VOTE_MAJORITY',
  /**
   * Each answer's votes are weighted by its trajectory's reward.
   */
  VOTE_REWARD_WEIGHTED: 'VOTE_REWARD_WEIGHTED',
  /**
   * The single trajectory with the highest reward wins.
   */
  VOTE_BEST: 'VOTE_BEST',
} as const;

export type Vote =
  | 'VOTE_UNSPECIFIED'
  | 0
  /**
   * Self-consistency: the most frequent answer wins.
   */
  | 'VOTE_MAJORITY'
  | 1
  /**
   * Each answer's votes are weighted by its trajectory's reward.
   */
  | 'VOTE_REWARD_WEIGHTED'
  | 2
  /**
   * The single trajectory with the highest reward wins.
   */
  | 'VOTE_BEST'
  | 3

export type Vote__Output = typeof Vote[keyof typeof Vote]
