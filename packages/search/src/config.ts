// Algorithm configurations (the oneof `algorithm` of arbor.v1.SearchRequest), their defaults and validation.

import { InvalidArgumentError } from '@arbor/kit/errors';
import { AGGREGATIONS, type Aggregation } from './aggregate.js';

export type Vote = 'majority' | 'reward_weighted' | 'best';
export type FinalChoice = 'visits' | 'value';

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
}

/** arbor.v1.Mcts */
export interface MctsConfig {
  kind: 'mcts';
  simulations: number;
  cPuct: number;
  childrenPerNode: number;
  finalChoice: FinalChoice;
  stopOnSolution: boolean;
  parallelSimulations: number;
  virtualLoss: number;
}

export type AlgorithmConfig = BonConfig | BeamConfig | MctsConfig;

/**
 * Starting points for countdown-like tasks (3-5 steps, a few legal moves per state, a reward service that
 * verifies the final answer). All stop on the first verified solution, since a verifier makes further search
 * pointless. To be tuned with the benchmark.
 */
export const DEFAULTS: Readonly<{ bon: Readonly<BonConfig>; beam: Readonly<BeamConfig>; mcts: Readonly<MctsConfig> }> =
  Object.freeze({
    // 16 samples: a verifier-weighted vote beats plain majority once most samples are wrong, as on hard instances.
    bon: Object.freeze({ kind: 'bon', n: 16, vote: 'reward_weighted', aggregation: 'min', stopOnSolution: true }),
    // 4x4 as in Snell et al.'s small-budget settings; 'min' punishes one bad arithmetic step.
    beam: Object.freeze({
      kind: 'beam',
      beamWidth: 4,
      expansionsPerBeam: 4,
      aggregation: 'min',
      useValue: false,
      stopOnSolution: true,
      dedupeStates: true,
    }),
    // Rewards live in [0, 1], so c_puct around 1-2 weighs prior and value evenly; 4 workers keep 4 policy
    // replicas busy without making virtual loss dominate a small tree.
    mcts: Object.freeze({
      kind: 'mcts',
      simulations: 64,
      cPuct: 1.5,
      childrenPerNode: 4,
      finalChoice: 'visits',
      stopOnSolution: true,
      parallelSimulations: 4,
      virtualLoss: 1,
    }),
  });

const VOTES: readonly Vote[] = ['majority', 'reward_weighted', 'best'];
const FINAL_CHOICES: readonly FinalChoice[] = ['visits', 'value'];

/** Throws InvalidArgumentError naming the proto field path (e.g. `beam.expansions_per_beam`). */
export function validateAlgorithm(config: AlgorithmConfig): void {
  switch (config.kind) {
    case 'bon':
      intIn(config.n, 1, 4096, 'best_of_n.n');
      oneOf(config.vote, VOTES, 'best_of_n.vote');
      oneOf(config.aggregation, AGGREGATIONS, 'best_of_n.aggregation');
      return;
    case 'beam':
      intIn(config.beamWidth, 1, 256, 'beam.beam_width');
      intIn(config.expansionsPerBeam, 1, 64, 'beam.expansions_per_beam');
      oneOf(config.aggregation, AGGREGATIONS, 'beam.aggregation');
      return;
    case 'mcts':
      intIn(config.simulations, 1, 1_000_000, 'mcts.simulations');
      finiteIn(config.cPuct, 0, 100, 'mcts.c_puct');
      intIn(config.childrenPerNode, 1, 64, 'mcts.children_per_node');
      oneOf(config.finalChoice, FINAL_CHOICES, 'mcts.final_choice');
      intIn(config.parallelSimulations, 1, 256, 'mcts.parallel_simulations');
      finiteIn(config.virtualLoss, 0, 100, 'mcts.virtual_loss');
      return;
    default: {
      // Reached only by untyped input; keeps the error a client error rather than a crash.
      const kind: unknown = (config as { kind?: unknown }).kind;
      throw new InvalidArgumentError('algorithm', `unknown algorithm ${JSON.stringify(kind)}`);
    }
  }
}

function intIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be an integer between ${min} and ${max}`);
  }
}

function finiteIn(value: number, min: number, max: number, field: string): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new InvalidArgumentError(field, `must be a number between ${min} and ${max}`);
  }
}

function oneOf<T extends string>(value: T, allowed: readonly T[], field: string): void {
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(field, `must be one of ${allowed.join(', ')}`);
  }
}
