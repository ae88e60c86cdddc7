// The embedded policy's prior over legal moves: hand-written preferences of a person (or an LLM) playing 24.
// A heuristic, not a solver: it looks one move ahead at most, and only when two numbers would remain.
import { countdown } from '@arbor/tasks';

type Rational = countdown.Rational;

// Weights are logits (natural-log units). Fractions and negatives are discouraged but never excluded, so the
// puzzles that need them (3 3 8 8) stay reachable when a search asks for enough candidates.
const FINAL_HIT = 6; // the last move makes the target: what every solver looks for
const FINAL_MISS = -3; // the last move misses: a model still writes these sometimes
const FRACTION = -2;
const NEGATIVE = -2;
const ZERO = -2.5; // zero wastes two numbers
const EARLY_TARGET = 0.5; // the target with numbers left over only helps if they can be cancelled
const DIVIDES_TARGET = 1; // 24 = 4 * 6: factors of the target are the classic stepping stones
const DISTANCE = -0.4; // per octave away from the target, capped at 3 octaves
const FINISHES_NEXT = 2.5; // two numbers left that make the target in one move: a person sees it at once

export function movePrior(move: countdown.Move, target: Rational): number {
  const r = move.result;
  if (move.next.length === 1) return r.equals(target) ? FINAL_HIT : FINAL_MISS;
  let score = 0;
  const zero = r.n === 0n;
  if (!countdown.isInteger(r)) score += FRACTION;
  if (countdown.isNegative(r)) score += NEGATIVE;
  if (zero) score += ZERO;
  if (r.equals(target)) {
    score += EARLY_TARGET;
  } else if (!zero && countdown.isInteger(r) && countdown.isInteger(target.div(r))) {
    score += DIVIDES_TARGET;
  } else if (!zero && target.n !== 0n) {
    score += DISTANCE * Math.min(3, Math.abs(Math.log2(Math.abs(r.valueOf() / target.valueOf()))));
  }
  if (move.next.length === 2 && countdown.combinesTo(move.next[0] as Rational, move.next[1] as Rational, target)) {
    score += FINISHES_NEXT;
  }
  return score;
}

