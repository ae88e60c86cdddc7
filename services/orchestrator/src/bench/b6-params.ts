// B6's algorithm settings per budget: the server defaults (algorithms.ts), with only the knob that sets how
// much an algorithm searches scaled with the generated-steps budget, so that the budget, not a default
// width, is what ends a search that has not found a solution yet.
import type { SearchRequest } from '@arbor/contracts';
import { algorithmOneof, type AlgorithmName } from '../algorithms.js';

/** A line of the B6 plot: an algorithm, or best-of-N under another vote. */
export type B6Line = AlgorithmName | 'bon-majority';

export const B6_LINES: readonly B6Line[] = ['bon', 'bon-majority', 'beam', 'dvts', 'mcts', 'bfs', 'litesearch', 'rebase'];

/**
 * Steps in one finished countdown trajectory of the bundled puzzles: 4 numbers, one move each merging two.
 * Best-of-N and DVTS size their rollouts by it.
 */
export const STEPS_PER_TRAJECTORY = 3;

/** The embedded policy's cap on candidates per propose (policy MAX_CANDIDATES; also the proto's limits). */
const MAX_CANDIDATES = 64;

/** DVTS keeps the server's M = 4 candidates per subtree and step. */
const DVTS_M = 4;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The rule used for each line, as printed in the JSON; `fieldsFor` implements them. Every other field is
 * the server default.
 */
export const B6_RULES: Readonly<Record<B6Line, string>> = {
  bon: 'n = max(1, floor(B / 3)): every rollout takes 3 steps and all advance together, so n = B would spend the budget on first steps and finish nothing; reward-weighted vote, stop on the first verified rollout (server defaults)',
  'bon-majority': 'as bon, vote = VOTE_MAJORITY and stopOnSolution = false: self-consistency, which uses no verifier, so every rollout runs and the most common answer value wins',
  beam: 'beamWidth = expansionsPerBeam = clamp(round(sqrt(B / 2)), 2, 64): a beam level costs about width x expansions steps and a search takes ~2 such levels after the root',
  dvts: 'M = 4 (server), subtrees = clamp(floor(B / (1 + 2M)), 1, 64), nBeams = subtrees x M: a subtree costs 1 root step + M per later level (2 levels); the root propose asks for one first step per subtree, at most 64',
  mcts: 'simulations = max(256, 4B): one simulation expands at most once and simulations on finished leaves cost no step, so this many never run out before the budget; 24 children a node (server)',
  bfs: 'server defaults (24 children, 4 expansions a wave): it ends only when solved or when the open queue empties',
  litesearch: 'server defaults (at most 24 children): it ends only when solved, above its stop threshold or when no node has budget left',
  rebase: 'width = clamp(floor(B / 3), 1, 64): each of 3 levels shares the width; the root gets all of it in one propose, which the policy caps at 64 candidates',
};

/** The SearchRequest oneof member for `line` at a budget of `budget` generated steps. */
export function fieldsFor(line: B6Line, budget: number): Partial<SearchRequest> {
  switch (line) {
    case 'bon':
      return algorithmOneof('bon', { n: bonN(budget) });
    case 'bon-majority':
      return algorithmOneof('bon', { n: bonN(budget), vote: 'VOTE_MAJORITY', stopOnSolution: false });
    case 'beam': {
      const width = clamp(Math.round(Math.sqrt(budget / 2)), 2, MAX_CANDIDATES);
      return algorithmOneof('beam', { beamWidth: width, expansionsPerBeam: width });
    }
    case 'dvts': {
      const subtrees = clamp(Math.floor(budget / (1 + 2 * DVTS_M)), 1, MAX_CANDIDATES);
      return algorithmOneof('dvts', { nBeams: subtrees * DVTS_M, expansionsPerBeam: DVTS_M });
    }
    case 'mcts':
      return algorithmOneof('mcts', { simulations: Math.max(256, 4 * budget) });
    case 'rebase':
      return algorithmOneof('rebase', { width: clamp(Math.floor(budget / STEPS_PER_TRAJECTORY), 1, MAX_CANDIDATES) });
    case 'bfs':
    case 'litesearch':
      return algorithmOneof(line);
  }
}

function bonN(budget: number): number {
  return clamp(Math.floor(budget / STEPS_PER_TRAJECTORY), 1, 4096);
}
