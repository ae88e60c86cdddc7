// Legal-move generation: every `a op b` over pairs of remaining numbers, deduplicated by the state it leads to.
import { applyOp, type Op } from './arithmetic.js';
import type { Rational } from './rational.js';
import { insertValue, stateKey, type State } from './state.js';
import { formatStep } from './step.js';

export interface Move {
  readonly a: Rational;
  readonly op: Op;
  readonly b: Rational;
  readonly result: Rational;
  /** The state after the move, sorted. */
  readonly next: State;
  /** stateKey(next), kept because every caller that dedupes or memoizes needs it. */
  readonly key: string;
}

/**
 * All moves from `state`: both orders for - and /, no division by zero. Two moves that lead to the same state
 * (2 + 2 and 2 * 2) count once, as the first in generation order (pairs in state order, then + * - /), since
 * for the search they are the same child. Commutative moves print the larger operand first, like `13 - 9`.
 */
export function legalMoves(state: State): Move[] {
  const seen = new Set<string>();
  const moves: Move[] = [];
  for (let i = 0; i < state.length; i++) {
    for (let j = i + 1; j < state.length; j++) {
      const small = state[i] as Rational;
      const large = state[j] as Rational;
      const rest = state.filter((_, k) => k !== i && k !== j);
      const candidates: Array<[Rational, Op, Rational]> = [
        [large, '+', small],
        [large, '*', small],
        [large, '-', small],
        [small, '-', large],
        [large, '/', small],
        [small, '/', large],
      ];
      for (const [a, op, b] of candidates) {
        const result = applyOp(a, op, b);
        if (result === null) continue;
        const next = insertValue(rest, result);
        const key = stateKey(next);
        if (seen.has(key)) continue;
        seen.add(key);
        moves.push({ a, op, b, result, next, key });
      }
    }
  }
  return moves;
}

export function formatMove(move: Move): string {
  return formatStep(move.a, move.op, move.b, move.result, move.next);
}
