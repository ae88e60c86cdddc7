// Maps the SearchRequest's algorithm `oneof` onto the search package's configs, filling server defaults:
// a zero number, an UNSPECIFIED enum or an unset optional bool means "the default".
import type {
  BeamSearch__Output,
  BestOfN__Output,
  Mcts__Output,
  RewardAggregation__Output,
  SearchRequest,
  SearchRequest__Output,
} from '@arbor/contracts';
import { DEFAULTS, validateAlgorithm, type AlgorithmConfig, type Aggregation } from '@arbor/search';
import { InvalidArgumentError } from '@arbor/kit/errors';

/** Names the CLI and logs use; the proto oneof uses bestOfN / beam / mcts. */
export const ALGORITHM_NAMES = ['bon', 'beam', 'mcts'] as const;
export type AlgorithmName = (typeof ALGORITHM_NAMES)[number];

/** Used when a request names no algorithm. */
export const DEFAULT_ALGORITHM: AlgorithmName = 'mcts';

/**
 * The server's defaults: the search package's, with two changes measured on the 100 hardest countdown puzzles
 * (embedded models, slip 0, seeds 1..100):
 * - MCTS expands a node once, so a move the policy does not propose at that expansion is never tried.
 *   24 children cover the legal moves of a 4-number state; 4 solved 24/100, 16 solved 90, 24 solved 99
 *   (mean 15.5 expansions); 256 simulations rather than 128 let the last few finish. Progressive widening
 *   will let the width come down.
 * - Beam search ranks by the value estimate as well: the embedded process reward only says whether a step
 *   is valid, which cannot tell two valid beams apart.
 */
export const SERVER_DEFAULTS = {
  bon: DEFAULTS.bon,
  beam: { ...DEFAULTS.beam, useValue: true },
  mcts: { ...DEFAULTS.mcts, childrenPerNode: 24, simulations: 256 },
} as const;

function pick<T>(value: T | undefined | null, zero: T, fallback: T): T {
  return value === undefined || value === null || value === zero ? fallback : value;
}

function aggregation(value: RewardAggregation__Output | undefined, fallback: Aggregation): Aggregation {
  switch (value) {
    case 'REWARD_AGGREGATION_LAST':
      return 'last';
    case 'REWARD_AGGREGATION_MIN':
      return 'min';
    case 'REWARD_AGGREGATION_PRODUCT':
      return 'product';
    default:
      return fallback;
  }
}

function bestOfN(message: BestOfN__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.bon;
  const vote = message.vote === 'VOTE_MAJORITY' ? 'majority' : message.vote === 'VOTE_REWARD_WEIGHTED' ? 'reward_weighted' : message.vote === 'VOTE_BEST' ? 'best' : d.vote;
  return {
    kind: 'bon',
    n: pick(message.n, 0, d.n),
    vote,
    aggregation: aggregation(message.aggregation, d.aggregation),
    stopOnSolution: message.stopOnSolution ?? d.stopOnSolution,
  };
}

function beam(message: BeamSearch__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.beam;
  return {
    kind: 'beam',
    beamWidth: pick(message.beamWidth, 0, d.beamWidth),
    expansionsPerBeam: pick(message.expansionsPerBeam, 0, d.expansionsPerBeam),
    aggregation: aggregation(message.aggregation, d.aggregation),
    useValue: message.useValue ?? d.useValue,
    stopOnSolution: message.stopOnSolution ?? d.stopOnSolution,
    dedupeStates: message.dedupeStates ?? d.dedupeStates,
  };
}

function mcts(message: Mcts__Output): AlgorithmConfig {
  const d = SERVER_DEFAULTS.mcts;
  return {
    kind: 'mcts',
    simulations: pick(message.simulations, 0, d.simulations),
    cPuct: pick(message.cPuct, 0, d.cPuct),
    childrenPerNode: pick(message.childrenPerNode, 0, d.childrenPerNode),
    finalChoice: message.finalChoice === 'FINAL_CHOICE_VALUE' ? 'value' : message.finalChoice === 'FINAL_CHOICE_VISITS' ? 'visits' : d.finalChoice,
    stopOnSolution: message.stopOnSolution ?? d.stopOnSolution,
    parallelSimulations: pick(message.parallelSimulations, 0, d.parallelSimulations),
    virtualLoss: pick(message.virtualLoss, 0, d.virtualLoss),
  };
}

/** The validated algorithm config of a request; throws InvalidArgumentError naming the field. */
export function algorithmFromRequest(request: SearchRequest__Output): AlgorithmConfig {
  let config: AlgorithmConfig;
  if (request.bestOfN) config = bestOfN(request.bestOfN);
  else if (request.beam) config = beam(request.beam);
  else if (request.mcts) config = mcts(request.mcts);
  else config = { ...SERVER_DEFAULTS[DEFAULT_ALGORITHM] };
  validateAlgorithm(config);
  return config;
}

export function parseAlgorithmName(name: string): AlgorithmName {
  if ((ALGORITHM_NAMES as readonly string[]).includes(name)) return name as AlgorithmName;
  throw new InvalidArgumentError('algo', `unknown algorithm "${name}"; known: ${ALGORITHM_NAMES.join(', ')}`);
}

/** The oneof member a CLI algorithm name selects, with defaults. */
export function algorithmOneof(name: AlgorithmName): Pick<SearchRequest, 'bestOfN' | 'beam' | 'mcts'> {
  switch (name) {
    case 'bon':
      return { bestOfN: {} };
    case 'beam':
      return { beam: {} };
    case 'mcts':
      return { mcts: {} };
  }
}
