// B6's algorithm settings per budget: the server defaults (algorithms.ts), with only the knob that sets how
// much an algorithm searches scaled with the generated-steps budget, so that the budget, not a default
// width, is what ends a search that has not found a solution yet.
import type { SearchRequest } from '@arbor/contracts';
import { type AlgorithmName, algorithmOneof } from '@arbor/orchestrator';

/** A line of the B6 plot: an algorithm, or best-of-N under another vote. */
export type B6Line = AlgorithmName | 'bon-majority';

export const B6_LINES: readonly B6Line[] = ['bon', 'bon-majority', 'beam', 'dvts', 'mcts', 'bfs', 'litesearch', 'rebase', 'particle_filter'];

/**
 * Steps in one finished countdown trajectory of the bundled puzzles: 4 numbers, one move each merging two.
 * Best-of-N, REBASE and particle filtering size their widths by it.
 */
export const STEPS_PER_TRAJECTORY = 3;

/** The embedded policy's cap on candidates per propose (policy MAX_CANDIDATES; also the proto's limits). */
const MAX_CANDIDATES = 64;

/**
 * The reward service scores at most 1024 trajectories a call (reward MAX_TRAJECTORIES), and best-of-N scores
 * all rollouts that finish in one round in one call; its rollouts all finish in the same round here, so a
 * larger n fails the score call and ends the search as model_unavailable. A particle filter's round is scored in
 * one call as well, so the same cap holds for its particles.
 */
const MAX_BON_N = 1024;

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * The rule used for each line, as printed in the JSON; `fieldsFor` implements them. Every other field is
 * the server default.
 */
export const B6_RULES: Readonly<Record<B6Line, string>> = {
  bon: 'n = clamp(floor(B / 3), 1, 1024): every rollout takes 3 steps and all advance together, so n = B would spend the budget on first steps and finish nothing; 1024 is what the reward service scores in one call; reward-weighted vote, stop on a verified rollout (server defaults)',
  'bon-majority': 'as bon, with vote = VOTE_MAJORITY and stopOnSolution = false: self-consistency uses no verifier, so every rollout runs and the most common answer value wins',
  beam: 'beamWidth = expansionsPerBeam = w, w = clamp(round(sqrt(B / 2)), 2, 32): a level costs about w x w steps and a search ~2 such levels after the root; value ranking on (server)',
  dvts: 'expansionsPerBeam = w, nBeams = w x w (w subtrees), w as for beam: w first steps, then w candidates per subtree on each of ~2 levels',
  mcts: 'simulations = clamp(64 B, 256, 1e6): a simulation that reaches a finished leaf costs no step, and a search that has not solved its puzzle spends most simulations there; at 4 B and 16 B some still ran out of simulations before the budget or the tree; 24 children a node (server)',
  bfs: 'server defaults (24 children a node): it ends only when solved or when its open queue is empty, so the budget binds already',
  litesearch: 'server defaults (at most 24 children a node): it ends only when solved, above its stop threshold or when no node has budget left, so the budget binds already',
  rebase: 'width = clamp(floor(B / 3), 1, 64): the 3 levels share the width; the root takes all of it in one propose, and the policy proposes at most 64 candidates a call, so from B = 192 on REBASE ends on its own',
  particle_filter: 'particles = clamp(floor(B / 3), 1, 1024): each particle generates one step a round and finishes in 3, as a best-of-N rollout; resampling by PRM x value at temperature 0.2, stop on a verified particle (server defaults)',
};

/** The SearchRequest oneof member for `line` at a budget of `budget` generated steps. */
export function fieldsFor(line: B6Line, budget: number): Partial<SearchRequest> {
  switch (line) {
    case 'bon':
      return algorithmOneof('bon', { n: bonN(budget) });
    case 'bon-majority':
      return algorithmOneof('bon', { n: bonN(budget), vote: 'VOTE_MAJORITY', stopOnSolution: false });
    case 'beam': {
      const width = squareWidth(budget);
      return algorithmOneof('beam', { beamWidth: width, expansionsPerBeam: width });
    }
    case 'dvts': {
      const width = squareWidth(budget);
      return algorithmOneof('dvts', { nBeams: width * width, expansionsPerBeam: width });
    }
    case 'mcts':
      return algorithmOneof('mcts', { simulations: clamp(64 * budget, 256, 1_000_000) });
    case 'rebase':
      return algorithmOneof('rebase', { width: clamp(Math.floor(budget / STEPS_PER_TRAJECTORY), 1, MAX_CANDIDATES) });
    case 'particle_filter':
      return algorithmOneof('particle_filter', { particles: bonN(budget) });
    case 'bfs':
    case 'litesearch':
      return algorithmOneof(line);
  }
}

function bonN(budget: number): number {
  return clamp(Math.floor(budget / STEPS_PER_TRAJECTORY), 1, MAX_BON_N);
}

/** w x w children a level are scored in one reward call, so w is at most sqrt(1024) = 32. */
const MAX_SQUARE_WIDTH = 32;

function squareWidth(budget: number): number {
  return clamp(Math.round(Math.sqrt(budget / 2)), 2, MAX_SQUARE_WIDTH);
}
