// The embedded value heuristic: how likely a countdown state is to still reach the target, in [0, 1].
//
// Honest about what it is. Exact only where that is cheap: one number left (is it the target?) and two numbers
// left (does one of the six operations give it?). With three numbers it looks one move ahead, but only over
// moves with an integer result, into the exact two-number check. For three integers that is still exact (with
// three integers a fraction is never needed: x op c = 24 with x = a/b non-integer forces op in {*, /}, and
// then (a*c)/b, a/(b*c) or (c*b)/a gets there through integers). Where the state already holds a fraction it
// is blind to routes that keep or create one (1/5 5 5 -> 5 - 1/5 = 24/5 ...), so, as to most people,
// fraction-only solutions look unpromising. With four or more numbers it uses shallow features (factors of
// the target within reach, fractions and negatives held, a rough magnitude bound) and cannot tell solvable
// from unsolvable in general. A trajectory with an invalid step is worth 0: the reward backend's outcome for
// it is 0 whatever follows.
import { countdown } from '@arbor/tasks';

type Rational = countdown.Rational;
type State = countdown.State;

export function estimateValue(puzzle: countdown.CountdownPuzzle, steps: readonly string[]): number {
  const replayed = countdown.replay(puzzle, steps);
  if (replayed.failure !== null) return 0;
  const state = replayed.state;
  const target = countdown.rational(puzzle.target);
  switch (state.length) {
    case 0:
      return 0;
    case 1:
      return (state[0] as Rational).equals(target) ? 1 : 0;
    case 2:
      return countdown.combinesTo(state[0] as Rational, state[1] as Rational, target) ? 1 : 0;
    case 3:
      return threeNumbers(state, target);
    default:
      return manyNumbers(state, target);
  }
}

// Three numbers: each integer move that leaves a finishable pair is a way through; more ways, more confidence.
// With no way, an all-integer state is (almost surely, see above) dead; one holding a fraction may still have a
// route the lookahead cannot see.
const THREE_BASE = 0.6;
const THREE_SPAN = 0.35;
const THREE_DEAD = 0.05;
const THREE_BLIND = 0.15;

function threeNumbers(state: State, target: Rational): number {
  let ways = 0;
  for (const move of countdown.legalMoves(state)) {
    if (!countdown.isInteger(move.result)) continue;
    if (countdown.combinesTo(move.next[0] as Rational, move.next[1] as Rational, target)) ways++;
  }
  if (ways > 0) return THREE_BASE + THREE_SPAN * (1 - 0.5 ** ways);
  return state.every(countdown.isInteger) ? THREE_DEAD : THREE_BLIND;
}

// Four or more numbers: a logistic over features, clamped away from certainty because it is only a guess.
const BIAS = -0.2;
const PER_FACTOR_SHARE = 2.5; // share of plausible (non-negative integer) moves that produce a factor of the target
const PER_FRACTION = -0.8;
const PER_NEGATIVE = -0.5;
const OUT_OF_REACH = 0.15; // multiplier when the numbers look too small to reach the target
const MIN_VALUE = 0.03;
const MAX_VALUE = 0.9;

function manyNumbers(state: State, target: Rational): number {
  let plausible = 0;
  let factors = 0;
  for (const move of countdown.legalMoves(state)) {
    if (!countdown.isInteger(move.result) || countdown.isNegative(move.result)) continue;
    plausible++;
    const r = move.result;
    if (r.n !== 0n && countdown.isInteger(r) && countdown.isInteger(target.div(r))) factors++;
  }
  const fractions = state.filter((x) => !countdown.isInteger(x)).length;
  const negatives = state.filter((x) => countdown.isNegative(x)).length;
  const share = plausible === 0 ? 0 : factors / plausible;
  const logit = BIAS + PER_FACTOR_SHARE * share + PER_FRACTION * fractions + PER_NEGATIVE * negatives;
  let value = 1 / (1 + Math.exp(-logit));
  if (looksTooSmall(state, target)) value *= OUT_OF_REACH;
  return Math.min(MAX_VALUE, Math.max(MIN_VALUE, value));
}

/**
 * For integer states only: the product of the numbers, counting each 1 (or -1) as 2 since 1 + x <= 2x, is a
 * rough ceiling on what + - * / can build (1 1 1 1 cannot reach 24). A rule of thumb, not a proof: fractions
 * in denominators can overshoot it, which is why it only scales the estimate down.
 */
function looksTooSmall(state: State, target: Rational): boolean {
  if (!state.every(countdown.isInteger)) return false;
  let ceiling = 1n;
  for (const x of state) ceiling *= x.n === 0n ? 1n : x.n < 2n ? 2n : x.n;
  return ceiling < target.n;
}

