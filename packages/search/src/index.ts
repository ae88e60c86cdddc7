// Public API of @arbor/search: pure, deterministic tree search driven through a ModelClient.

export { runSearch } from './search.js';
export type { SearchOptions, SearchOutcome, SearchProgress } from './search.js';
export { DEFAULTS, resolveBeam, resolveMcts, validateAlgorithm } from './config.js';
export type {
  AlgorithmConfig,
  AlgorithmKind,
  BeamConfig,
  BfsConfig,
  BfsPriority,
  BonConfig,
  DvtsConfig,
  FinalChoice,
  LiteSearchConfig,
  MctsConfig,
  ParticleFilterConfig,
  RebaseConfig,
  ResolvedBeamConfig,
  ResolvedMctsConfig,
  Vote,
} from './config.js';
export { expansionBudget } from './litesearch-budget.js';
export { allocateWidth } from './rebase-allocation.js';
export { multinomialResample, resamplingProbabilities } from './particle-resampling.js';
export { allowedChildren } from './widening.js';
export { NO_LIMITS, validateBudget } from './budget.js';
export type { Budget } from './budget.js';
export { AGGREGATIONS, aggregateRewards, trajectoryScore } from './aggregate.js';
export type { Aggregation } from './aggregate.js';
export { HARD_STOPS, STOP_REASONS } from './stop.js';
export type { StopReason } from './stop.js';
export type { SearchStats, ServiceUsage } from './stats.js';
export type { TreeNodeSnapshot, TreeSnapshot, TreeView } from './tree.js';
export { NODE_OVERHEAD_BYTES } from './tree.js';
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
export { vote, type Ballot, type VoteResult } from './vote.js';
export { avalanche } from './seed.js';
