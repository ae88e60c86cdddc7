// A countdown state: the multiset of numbers still to combine, kept as a sorted array of exact rationals.
import { compareRationals, formatRational, rational, type Rational } from './rational.js';
import type { CountdownPuzzle } from './problem.js';

/** Sorted ascending; treat as immutable. */
export type State = readonly Rational[];

export function initialState(puzzle: CountdownPuzzle): State {
  return sortState(puzzle.numbers.map((n) => rational(n)));
}

export function sortState(values: readonly Rational[]): State {
  return [...values].sort(compareRationals);
}

/** `4 4 10`: the ascending list printed in `left:` lists, and the canonical key for deduplication. */
export function formatState(state: State): string {
  return state.map(formatRational).join(' ');
}

export const stateKey = formatState;

/** The state without one copy of `value`, or null when `value` is not in it. */
export function removeValue(state: State, value: Rational): State | null {
  const index = state.findIndex((x) => x.equals(value));
  if (index < 0) return null;
  return [...state.slice(0, index), ...state.slice(index + 1)];
}

/** Inserts keeping the order, without re-sorting (states are tiny, but move generation runs hot). */
export function insertValue(state: State, value: Rational): State {
  let i = 0;
  while (i < state.length && compareRationals(state[i] as Rational, value) < 0) i++;
  return [...state.slice(0, i), value, ...state.slice(i)];
}

export function sameState(a: State, b: State): boolean {
  return a.length === b.length && a.every((x, i) => x.equals(b[i] as Rational));
}
