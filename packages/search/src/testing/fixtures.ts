// Shared test setup: the standard synthetic world, algorithm configs that solve it, and a run helper.

import { NO_LIMITS, type Budget } from '../budget.js';
import type {
  AlgorithmConfig,
  BeamConfig,
  BfsConfig,
  BonConfig,
  DvtsConfig,
  LiteSearchConfig,
  MctsConfig,
  ParticleFilterConfig,
  RebaseConfig,
} from '../config.js';
import { runSearch, type SearchOptions, type SearchOutcome } from '../search.js';
import { letterWorld, SyntheticClient, type SyntheticOptions } from './synthetic.js';

/** 27 leaves; only 'bba' answers '42'. Greedy decoding follows 'a' (p = 0.58 per step) to '7'. */
export const WORLD = letterWorld({ depth: 3, letters: 'abc', optimum: 'bba' });

export const BON: BonConfig = { kind: 'bon', n: 64, vote: 'best', aggregation: 'min', stopOnSolution: false };
export const BEAM: BeamConfig = {
  kind: 'beam',
  beamWidth: 2,
  expansionsPerBeam: 3,
  aggregation: 'min',
  useValue: false,
  stopOnSolution: false,
  dedupeStates: true,
};
export const MCTS: MctsConfig = {
  kind: 'mcts',
  simulations: 60,
  cPuct: 1.5,
  childrenPerNode: 3,
  finalChoice: 'visits',
  stopOnSolution: false,
  parallelSimulations: 1,
  virtualLoss: 1,
};
/** Three subtrees (one per letter) of three candidates each. */
export const DVTS: DvtsConfig = {
  kind: 'dvts',
  nBeams: 9,
  expansionsPerBeam: 3,
  aggregation: 'min',
  useValue: false,
  stopOnSolution: false,
  dedupeStates: true,
  vote: 'best',
};
export const BFS: BfsConfig = {
  kind: 'bfs',
  childrenPerNode: 3,
  priority: 'value',
  lengthPenalty: 0.5,
  parallelExpansions: 2,
  stopOnSolution: false,
  dedupeStates: true,
};
/** threshold 0.95 gives the on-path states (v = 0.72) all three letters; stopThreshold 1 never ends on value. */
export const LITE: LiteSearchConfig = {
  kind: 'litesearch',
  threshold: 0.95,
  maxChildren: 3,
  stopThreshold: 1,
  stopOnSolution: false,
  dedupeStates: true,
  parallelExpansions: 2,
};
/** Temperature 1 spreads a width of 6 over several nodes per level, so the search is more than one path. */
export const REBASE: RebaseConfig = {
  kind: 'rebase',
  width: 6,
  temperature: 1,
  aggregation: 'min',
  useValue: false,
  stopOnSolution: false,
  dedupeStates: true,
  vote: 'best',
};
/**
 * Eight particles, resampled at temperature 0.2 so the on-path 0.9 rewards outweigh the 0.3s clearly. Dedupe off:
 * every particle's step is its own node, so the node cap is reached exactly.
 */
export const PF: ParticleFilterConfig = {
  kind: 'particle_filter',
  particles: 8,
  aggregation: 'last',
  temperature: 0.2,
  useValue: false,
  stopOnSolution: false,
  dedupeStates: false,
  vote: 'reward_weighted',
};
export const ALGORITHMS: ReadonlyArray<[string, AlgorithmConfig]> = [
  ['bon', BON],
  ['beam', BEAM],
  ['mcts', MCTS],
  ['dvts', DVTS],
  ['bfs', BFS],
  ['litesearch', LITE],
  ['rebase', REBASE],
  ['particle_filter', PF],
];

export interface Run {
  outcome: SearchOutcome;
  client: SyntheticClient;
}

export async function run(
  algorithm: AlgorithmConfig,
  budget: Partial<Budget> = {},
  client: Partial<SyntheticOptions> = {},
  options: Partial<SearchOptions> = {},
): Promise<Run> {
  const fake = new SyntheticClient({ world: WORLD, ...client });
  const outcome = await runSearch({
    algorithm,
    budget: { ...NO_LIMITS, ...budget },
    seed: 7,
    client: fake,
    ...options,
  });
  return { outcome, client: fake };
}
