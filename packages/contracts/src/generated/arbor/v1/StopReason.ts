// Original file: ../../protos/arbor/v1/search.proto

export const StopReason = {
  STOP_REASON_UNSPECIFIED: 'STOP_REASON_UNSPECIFIED',
  /**
   * The algorithm finished on its own terms (all beams or samples done, simulations run).
   */
  STOP_REASON_COMPLETED: 'STOP_REASON_COMPLETED',
  /**
   * A verified solution was found and the algorithm stops on the first one.
   */
  STOP_REASON_SOLVED: 'STOP_REASON_SOLVED',
  /**
   * Nothing left to expand.
   */
  STOP_REASON_EXHAUSTED: 'STOP_REASON_EXHAUSTED',
  STOP_REASON_MAX_EXPANSIONS: 'STOP_REASON_MAX_EXPANSIONS',
  STOP_REASON_MAX_MODEL_CALLS: 'STOP_REASON_MAX_MODEL_CALLS',
  STOP_REASON_MAX_TOKENS: 'STOP_REASON_MAX_TOKENS',
  STOP_REASON_MAX_COST: 'STOP_REASON_MAX_COST',
  STOP_REASON_DEADLINE: 'STOP_REASON_DEADLINE',
  STOP_REASON_MAX_NODES: 'STOP_REASON_MAX_NODES',
  STOP_REASON_MAX_DEPTH: 'STOP_REASON_MAX_DEPTH',
  STOP_REASON_CANCELLED: 'STOP_REASON_CANCELLED',
  /**
   * Model calls kept failing; the best answer so far is returned.
   */
  STOP_REASON_MODEL_UNAVAILABLE: 'STOP_REASON_MODEL_UNAVAILABLE',
  STOP_REASON_MAX_GENERATED_STEPS: 'STOP_REASON_MAX_GENERATED_STEPS',
  /**
   * The server was shutting down: the search was stopped early so that its best answer so far reaches the caller
   * before the server's grace period ends. Retrying on another replica may find a better one.
   */
  STOP_REASON_SHUTDOWN: 'STOP_REASON_SHUTDOWN',
  STOP_REASON_MAX_OUTPUT_TOKENS: 'STOP_REASON_MAX_OUTPUT_TOKENS',
} as const;

export type StopReason =
  | 'STOP_REASON_UNSPECIFIED'
  | 0
  /**
   * The algorithm finished on its own terms (all beams or samples done, simulations run).
   */
  | 'STOP_REASON_COMPLETED'
  | 1
  /**
   * A verified solution was found and the algorithm stops on the first one.
   */
  | 'STOP_REASON_SOLVED'
  | 2
  /**
   * Nothing left to expand.
   */
  | 'STOP_REASON_EXHAUSTED'
  | 3
  | 'STOP_REASON_MAX_EXPANSIONS'
  | 4
  | 'STOP_REASON_MAX_MODEL_CALLS'
  | 5
  | 'STOP_REASON_MAX_TOKENS'
  | 6
  | 'STOP_REASON_MAX_COST'
  | 7
  | 'STOP_REASON_DEADLINE'
  | 8
  | 'STOP_REASON_MAX_NODES'
  | 9
  | 'STOP_REASON_MAX_DEPTH'
  | 10
  | 'STOP_REASON_CANCELLED'
  | 11
  /**
   * Model calls kept failing; the best answer so far is returned.
   */
  | 'STOP_REASON_MODEL_UNAVAILABLE'
  | 12
  | 'STOP_REASON_MAX_GENERATED_STEPS'
  | 13
  /**
   * The server was shutting down: the search was stopped early so that its best answer so far reaches the caller
   * before the server's grace period ends. Retrying on another replica may find a better one.
   */
  | 'STOP_REASON_SHUTDOWN'
  | 14
  | 'STOP_REASON_MAX_OUTPUT_TOKENS'
  | 15

export type StopReason__Output = typeof StopReason[keyof typeof StopReason]
