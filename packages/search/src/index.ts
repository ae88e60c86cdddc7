// Public API of @arbor/search: pure, deterministic tree search driven through a ModelClient.

export { runSearch } from './search.js';
export type { SearchOptions, SearchOutcome, SearchProgress } from './search.js';
export { DEFAULTS, validateAlgorithm } from './config.js';
export type { AlgorithmConfig, BeamConfig, BonConfig, FinalChoice, MctsConfig, Vote } from './config.js';
export { NO_LIMITS, validateBudget } from './budget.js';
export type { Budget } from './budget.js';
export { AGGREGATIONS, aggregateRewards, trajectoryScore } from './aggregate.js';
export type { Aggregation } from './aggregate.js';
export { HARD_STOPS, STOP_REASONS, isStopReason } from './stop.js';
export type { StopReason } from './stop.js';
export type { SearchStats } from './stats.js';
export type { TreeNodeSnapshot, TreeSnapshot } from './tree.js';
export type {
  Candidate,
  EvaluateCall,
  ModelClient,
  ModelService,
  ProposeCall,
  ScoreCall,
  Step,
  StepRewards,
  Usage,
} from './model.js';
