// Algorithm configurations (the oneof `algorithm` of arbor.v1.SearchRequest), their defaults and validation.

import { InvalidArgumentError } from '@arbor/kit/errors';
import { AGGREGATIONS, type Aggregation } from './aggregate.js';
import { bool, finiteAbove, finiteBetween, finiteIn, intIn, oneOf } from './checks.js';

export type Vote = 'majority' | 'reward_weighted' | 'best';
export type FinalChoice = 'visits' | 'value';
export type BfsPriority = 'value' | 'logprob';

/** arbor.v1.BestOfN */
export interface BonConfig {
  kind: 'bon';
  n: number;
  vote: Vote;
  aggregation: Aggregation;
  stopOnSolution: boolean;
}

/** arbor.v1.BeamSearch */
export interface BeamConfig {
  kind: 'beam';
  beamWidth: number;
  expansionsPerBeam: number;
  aggregation: Aggregation;
  useValue: boolean;
  stopOnSolution: boolean;
  dedupeStates: boolean;
  /**
   * Steps each candidate is rolled out before the PRM scores it (Snell et al.'s lookahead search); 0 = plain
   * beam search. Optional so that callers written before it existed still type-check; absent means 0.
   */
  lookahead?: number;
}

/** arbor.v1.Mcts */
export interface MctsConfig {
  kind: 'mcts';
  simulations: number;
  cPuct: number;
  /** Children per expansion; with progressive widening, the most a node's children may grow to. */
  childrenPerNode: number;
  finalChoice: FinalChoice;
  stopOnSolution: boolean;
  parallelSimulations: number;
  virtualLoss: number;
  // The fields below are optional so that callers written before them still type-check; absent means
  // the value in DEFAULTS.mcts.
  /** Skip a new node whose state (stateKey) already exists anywhere in the tree. */
  dedupeStates?: boolean;
  /** A node may have at most ceil(widenC * N^widenAlpha) children, N its visit count. */
  progressiveWidening?: boolean;
  widenC?: number;
  widenAlpha?: number;
}

/** arbor.v1.Dvts: diverse verifier tree search. */
export interface DvtsConfig {
  kind: 'dvts';
  /** Total beams N; the search runs N / expansionsPerBeam independent subtrees. */
  nBeams: number;
  /** Candidates per subtree and step (M); each subtree keeps the best one. */
  expansionsPerBeam: number;
  aggregation: Aggregation;
  useValue: boolean;
  stopOnSolution: boolean;
  dedupeStates: boolean;
  /** How the final answer is chosen from the finished trajectories; 'best' = highest score, as beam search. */
  vote: Vote;
}

/** arbor.v1.BestFirst: best-first search over an open queue. */
export interface BfsConfig {
  kind: 'bfs';
  childrenPerNode: number;
  priority: BfsPriority;
  /** alpha in sum(logprob) / depth^alpha, for priority 'logprob'. */
  lengthPenalty: number;
  /** Best nodes expanded at once per wave. */
  parallelExpansions: number;
  stopOnSolution: boolean;
  dedupeStates: boolean;
}

/** arbor.v1.LiteSearch */
export interface LiteSearchConfig {
  kind: 'litesearch';
  /** Wanted probability that at least one child of a node is good; sets each node's child budget. */
  threshold: number;
  maxChildren: number;
  /** End once a finished trajectory's value is above this (1 = never on value alone). */
  stopThreshold: number;
  stopOnSolution: boolean;
  dedupeStates: boolean;
  /** Best open nodes expanded at once per wave; 1 is the paper's sequential loop. */
  parallelExpansions: number;
}

/** arbor.v1.Rebase: reward-balanced search. */
export interface RebaseConfig {
  kind: 'rebase';
  /** Children per level, shared among the level's nodes; each finished trajectory takes one away. */
  width: number;
  /** Softmax temperature over rewards: low = exploit the best nodes, high = spread evenly. */
  temperature: number;
  aggregation: Aggregation;
  useValue: boolean;
  stopOnSolution: boolean;
  dedupeStates: boolean;
  vote: Vote;
}

/** arbor.v1.ParticleFilter: particle filtering over partial trajectories. */
export interface ParticleFilterConfig {
  kind: 'particle_filter';
  /** Particles (N): the population size kept by every resampling. */
  particles: number;
  /** How a particle's step rewards become its weight; 'last' (the last step's reward) is the paper's likelihood. */
  aggregation: Aggregation;
  /** Resampling draws particle i with probability softmax(weight / temperature): 1 is the paper's softmax. */
  temperature: number;
  /** Multiply an unfinished particle's weight by the value service's estimate of its state. */
  useValue: boolean;
  stopOnSolution: boolean;
  /** Particles proposing a state the tree already holds join its node instead of creating a second one. */
  dedupeStates: boolean;
  /** How the finished particles of the final population pick the answer. */
  vote: Vote;
}

export type AlgorithmConfig =
  | BonConfig
  | BeamConfig
  | MctsConfig
  | DvtsConfig
  | BfsConfig
  | LiteSearchConfig
  | RebaseConfig
  | ParticleFilterConfig;

export type AlgorithmKind = AlgorithmConfig['kind'];

/** Configs as the algorithms see them: optional fields filled from DEFAULTS. */
export type ResolvedBeamConfig = Required<BeamConfig>;
export type ResolvedMctsConfig = Required<MctsConfig>;

interface Defaults {
  bon: Readonly<BonConfig>;
  beam: Readonly<ResolvedBeamConfig>;
  mcts: Readonly<ResolvedMctsConfig>;
  dvts: Readonly<DvtsConfig>;
  bfs: Readonly<BfsConfig>;
  litesearch: Readonly<LiteSearchConfig>;
  rebase: Readonly<RebaseConfig>;
  particle_filter: Readonly<ParticleFilterConfig>;
}

/**
 * Starting points for countdown-like tasks (3-5 steps, a few legal moves per state, a reward service that
 * verifies the final answer). All stop on the first verified solution, since a verifier makes further search
 * pointless, and all skip duplicate states, which only cost budget. To be tuned with the benchmark.
 */
export const DEFAULTS: Readonly<Defaults> = Object.freeze({
  // 16 samples: a verifier-weighted vote beats plain majority once most samples are wrong, as on hard instances.
  bon: Object.freeze({ kind: 'bon', n: 16, vote: 'reward_weighted', aggregation: 'min', stopOnSolution: true }),
  // 4x4 as in Snell et al.'s small-budget settings; 'min' punishes one bad arithmetic step. Lookahead is off:
  // Snell et al. found it rarely pays for its extra generations at small budgets.
  beam: Object.freeze({
    kind: 'beam',
    beamWidth: 4,
    expansionsPerBeam: 4,
    aggregation: 'min',
    useValue: false,
    stopOnSolution: true,
    dedupeStates: true,
    lookahead: 0,
  }),
  // Rewards live in [0, 1], so c_puct around 1-2 weighs prior and value evenly; 4 workers keep 4 policy
  // replicas busy without making virtual loss dominate a small tree. Widening is off so that existing
  // deployments keep their trees; C = 1, alpha = 0.5 grows a node to k children after about k^2 visits.
  mcts: Object.freeze({
    kind: 'mcts',
    simulations: 64,
    cPuct: 1.5,
    childrenPerNode: 4,
    finalChoice: 'visits',
    stopOnSolution: true,
    parallelSimulations: 4,
    virtualLoss: 1,
    dedupeStates: true,
    progressiveWidening: false,
    widenC: 1,
    widenAlpha: 0.5,
  }),
  // 16 beams as 4 subtrees of 4: Beeching et al. report DVTS gaining over beam search at N >= 16.
  dvts: Object.freeze({
    kind: 'dvts',
    nBeams: 16,
    expansionsPerBeam: 4,
    aggregation: 'min',
    useValue: false,
    stopOnSolution: true,
    dedupeStates: true,
    vote: 'best',
  }),
  // The value service ranks countdown states far better than logprobs, which are nearly flat over legal
  // moves; alpha 0.5 sits between favouring shallow nodes (0) and ignoring length (1).
  bfs: Object.freeze({
    kind: 'bfs',
    childrenPerNode: 4,
    priority: 'value',
    lengthPenalty: 0.5,
    parallelExpansions: 4,
    stopOnSolution: true,
    dedupeStates: true,
  }),
  // threshold 0.9 as in the paper's examples; 8 children cover a countdown state's likely moves.
  litesearch: Object.freeze({
    kind: 'litesearch',
    threshold: 0.9,
    maxChildren: 8,
    stopThreshold: 0.9,
    stopOnSolution: true,
    dedupeStates: true,
    parallelExpansions: 4,
  }),
  // Rewards in [0, 1] differ by tenths, so a temperature of 0.2 turns a 0.6 gap into a 20x weight ratio;
  // at 1 the allocation would be nearly uniform. Reward-weighted voting as in Wu et al.
  rebase: Object.freeze({
    kind: 'rebase',
    width: 16,
    temperature: 0.2,
    aggregation: 'min',
    useValue: false,
    stopOnSolution: true,
    dedupeStates: true,
    vote: 'reward_weighted',
  }),
  // As in Puri et al. 2025: the last step's process reward is the likelihood, resampling by its plain softmax
  // (temperature 1), the answer by a reward-weighted vote of the final particles. 16 particles as best-of-N's 16.
  particle_filter: Object.freeze({
    kind: 'particle_filter',
    particles: 16,
    aggregation: 'last',
    temperature: 1,
    useValue: false,
    stopOnSolution: true,
    dedupeStates: true,
    vote: 'reward_weighted',
  }),
});

/** The beam config with absent optional fields filled in. */
export function resolveBeam(config: BeamConfig): ResolvedBeamConfig {
  return { ...config, lookahead: config.lookahead ?? DEFAULTS.beam.lookahead };
}

/** The MCTS config with absent optional fields filled in. */
export function resolveMcts(config: MctsConfig): ResolvedMctsConfig {
  const d = DEFAULTS.mcts;
  return {
    ...config,
    dedupeStates: config.dedupeStates ?? d.dedupeStates,
    progressiveWidening: config.progressiveWidening ?? d.progressiveWidening,
    widenC: config.widenC ?? d.widenC,
    widenAlpha: config.widenAlpha ?? d.widenAlpha,
  };
}

const VOTES: readonly Vote[] = ['majority', 'reward_weighted', 'best'];
const FINAL_CHOICES: readonly FinalChoice[] = ['visits', 'value'];
const PRIORITIES: readonly BfsPriority[] = ['value', 'logprob'];

/**
 * Limits of one model call, as the model services enforce them: a propose returns at most 64 candidates and
 * an evaluate or score call takes at most 1024 trajectories. A config that would need a bigger call is
 * refused here, naming its field, rather than failing mid-search as an unavailable service.
 */
export const MAX_CANDIDATES_PER_CALL = 64;
export const MAX_TRAJECTORIES_PER_CALL = 1024;

/** Throws InvalidArgumentError naming the proto field path (e.g. `beam.expansions_per_beam`). */
export function validateAlgorithm(config: AlgorithmConfig): void {
  switch (config.kind) {
    case 'bon':
      // A round of rollouts is scored in one reward call.
      intIn(config.n, 1, MAX_TRAJECTORIES_PER_CALL, 'best_of_n.n');
      oneOf(config.vote, VOTES, 'best_of_n.vote');
      oneOf(config.aggregation, AGGREGATIONS, 'best_of_n.aggregation');
      return;
    case 'beam':
      intIn(config.beamWidth, 1, 256, 'beam.beam_width');
      intIn(config.expansionsPerBeam, 1, MAX_CANDIDATES_PER_CALL, 'beam.expansions_per_beam');
      // A level's children are scored in one reward call.
      if (config.beamWidth * config.expansionsPerBeam > MAX_TRAJECTORIES_PER_CALL) {
        throw new InvalidArgumentError('beam.beam_width', `beam_width x expansions_per_beam must be at most ${MAX_TRAJECTORIES_PER_CALL}`);
      }
      oneOf(config.aggregation, AGGREGATIONS, 'beam.aggregation');
      if (config.lookahead !== undefined) intIn(config.lookahead, 0, 64, 'beam.lookahead');
      return;
    case 'mcts':
      intIn(config.simulations, 1, 1_000_000, 'mcts.simulations');
      finiteIn(config.cPuct, 0, 100, 'mcts.c_puct');
      intIn(config.childrenPerNode, 1, 64, 'mcts.children_per_node');
      oneOf(config.finalChoice, FINAL_CHOICES, 'mcts.final_choice');
      intIn(config.parallelSimulations, 1, 256, 'mcts.parallel_simulations');
      finiteIn(config.virtualLoss, 0, 100, 'mcts.virtual_loss');
      if (config.dedupeStates !== undefined) bool(config.dedupeStates, 'mcts.dedupe_states');
      if (config.progressiveWidening !== undefined) bool(config.progressiveWidening, 'mcts.progressive_widening');
      // C = 0 would allow no child at all; alpha > 1 would widen faster than visits accrue.
      if (config.widenC !== undefined) finiteAbove(config.widenC, 0, 64, 'mcts.widen_c');
      if (config.widenAlpha !== undefined) finiteIn(config.widenAlpha, 0, 1, 'mcts.widen_alpha');
      return;
    case 'dvts':
      // A level's children (n_beams of them) are scored in one reward call.
      intIn(config.nBeams, 1, MAX_TRAJECTORIES_PER_CALL, 'dvts.n_beams');
      intIn(config.expansionsPerBeam, 1, 64, 'dvts.expansions_per_beam');
      if (config.nBeams % config.expansionsPerBeam !== 0) {
        throw new InvalidArgumentError('dvts.n_beams', 'must be a multiple of expansions_per_beam (one subtree per M beams)');
      }
      oneOf(config.aggregation, AGGREGATIONS, 'dvts.aggregation');
      oneOf(config.vote, VOTES, 'dvts.vote');
      bool(config.useValue, 'dvts.use_value');
      bool(config.stopOnSolution, 'dvts.stop_on_solution');
      bool(config.dedupeStates, 'dvts.dedupe_states');
      return;
    case 'bfs':
      intIn(config.childrenPerNode, 1, 64, 'best_first.children_per_node');
      oneOf(config.priority, PRIORITIES, 'best_first.priority');
      finiteIn(config.lengthPenalty, 0, 4, 'best_first.length_penalty');
      intIn(config.parallelExpansions, 1, 256, 'best_first.parallel_expansions');
      bool(config.stopOnSolution, 'best_first.stop_on_solution');
      bool(config.dedupeStates, 'best_first.dedupe_states');
      return;
    case 'litesearch':
      // 0 would ask for no success at all, 1 for certainty, which no finite number of children gives.
      finiteBetween(config.threshold, 0, 1, 'litesearch.threshold');
      // The budget formula clips to at least 2 children.
      intIn(config.maxChildren, 2, 64, 'litesearch.max_children');
      finiteIn(config.stopThreshold, 0, 1, 'litesearch.stop_threshold');
      intIn(config.parallelExpansions, 1, 256, 'litesearch.parallel_expansions');
      bool(config.stopOnSolution, 'litesearch.stop_on_solution');
      bool(config.dedupeStates, 'litesearch.dedupe_states');
      return;
    case 'rebase':
      // One node may be given the whole width, in one propose.
      intIn(config.width, 1, MAX_CANDIDATES_PER_CALL, 'rebase.width');
      finiteAbove(config.temperature, 0, 100, 'rebase.temperature');
      oneOf(config.aggregation, AGGREGATIONS, 'rebase.aggregation');
      oneOf(config.vote, VOTES, 'rebase.vote');
      bool(config.useValue, 'rebase.use_value');
      bool(config.stopOnSolution, 'rebase.stop_on_solution');
      bool(config.dedupeStates, 'rebase.dedupe_states');
      return;
    case 'particle_filter':
      // A round's new particles are scored in one reward call.
      intIn(config.particles, 1, MAX_TRAJECTORIES_PER_CALL, 'particle_filter.particles');
      oneOf(config.aggregation, AGGREGATIONS, 'particle_filter.aggregation');
      finiteAbove(config.temperature, 0, 100, 'particle_filter.temperature');
      oneOf(config.vote, VOTES, 'particle_filter.vote');
      bool(config.useValue, 'particle_filter.use_value');
      bool(config.stopOnSolution, 'particle_filter.stop_on_solution');
      bool(config.dedupeStates, 'particle_filter.dedupe_states');
      return;
    default: {
      // Reached only by untyped input; keeps the error a client error rather than a crash.
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new InvalidArgumentError('algorithm', `unknown algorithm ${JSON.stringify(kind)}`);
    }
  }
}
