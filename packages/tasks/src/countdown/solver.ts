// Exact exhaustive solver and counter. Ground truth for tests, the dataset and benchmarks only: model backends
// must never import it (their tests check), or the embedded search would be looking up answers.
import { applyOp, type Op } from './arithmetic.js';
import { formatExpression, type Expr } from './expression.js';
import { legalMoves } from './moves.js';
import { makePuzzle } from './problem.js';
import { isInteger, isNegative, rational, type Rational } from './rational.js';
import { initialState, stateKey, type State } from './state.js';

interface Item {
  readonly value: Rational;
  readonly expr: Expr;
}

/**
 * An expression reaching `target` with every number used once, or null if none exists. Tries non-negative
 * integer intermediates first so the answer is the one a person would write when there is one.
 */
export function solve(numbers: readonly number[], target: number): string | null {
  const puzzle = makePuzzle(numbers, target);
  const items: Item[] = puzzle.numbers.map((n) => ({ value: rational(n), expr: { kind: 'num', text: String(n) } }));
  const goal = rational(target);
  const found = search(items, goal, true, new Set()) ?? search(items, goal, false, new Set());
  return found === null ? null : formatExpression(found);
}

function search(items: readonly Item[], goal: Rational, naturalOnly: boolean, dead: Set<string>): Expr | null {
  if (items.length === 1) {
    const only = items[0] as Item;
    return only.value.equals(goal) ? only.expr : null;
  }
  const key = stateKey([...items.map((it) => it.value)].sort((a, b) => a.compare(b)));
  if (dead.has(key)) return null;
  for (let i = 0; i < items.length; i++) {
    for (let j = 0; j < items.length; j++) {
      if (i === j) continue;
      const x = items[i] as Item;
      const y = items[j] as Item;
      const rest = items.filter((_, k) => k !== i && k !== j);
      // Ordered pairs cover both orders of - and /; + and * only need one.
      const ops: readonly Op[] = i < j ? ['+', '*', '-', '/'] : ['-', '/'];
      for (const op of ops) {
        const value = applyOp(x.value, op, y.value);
        if (value === null || (naturalOnly && (!isInteger(value) || isNegative(value)))) continue;
        const found = search([...rest, { value, expr: { kind: 'op', op, left: x.expr, right: y.expr } }], goal, naturalOnly, dead);
        if (found !== null) return found;
      }
    }
  }
  dead.add(key);
  return null;
}

export interface PuzzleAnalysis {
  readonly solvable: boolean;
  /**
   * Probability that a random walk over the deduplicated legal moves ends at the target, when the walker picks
   * each move with weight 1, a move whose result is a fraction or a negative number with weight 1/4 (1/16 for
   * both), like a person (or our embedded policy) who tries those last. Exact, so rankings have no float ties.
   */
  readonly probability: Rational;
  /** -log2(probability): bits of luck that walker needs. The ranking key. Infinity when unsolvable. */
  readonly difficulty: number;
  /** -log2 of the same probability for a walker choosing uniformly among legal moves. */
  readonly uniformDifficulty: number;
  /** Winning move sequences in the deduplicated legal-move tree. */
  readonly solutions: number;
  /** Winning sequences whose intermediate results are all integers. */
  readonly integerSolutions: number;
  /** Winning sequences whose intermediate results are all non-negative. */
  readonly nonNegativeSolutions: number;
  /** Solvable, but only through a non-integer intermediate (e.g. 3 3 8 8). */
  readonly needsFraction: boolean;
}

interface StateStats {
  /** Weighted-walker success probability. */
  readonly p: Rational;
  /** Uniform-walker success probability. */
  readonly u: Rational;
  readonly wins: number;
  readonly integerWins: number;
  readonly nonNegativeWins: number;
}

/** Per-target cache shared across puzzles: sub-states like `4 6` recur across thousands of puzzles. */
export interface AnalysisMemo {
  readonly target: number;
  readonly states: Map<string, StateStats>;
}

export function createAnalysisMemo(target: number): AnalysisMemo {
  return { target, states: new Map() };
}

/** Exhaustive analysis; cost grows fast with the count (fine up to 5 numbers, slow for 6). */
export function analysePuzzle(numbers: readonly number[], target: number, memo: AnalysisMemo = createAnalysisMemo(target)): PuzzleAnalysis {
  if (memo.target !== target) throw new RangeError(`memo is for target ${memo.target}, not ${target}`);
  const state = initialState(makePuzzle(numbers, target));
  const stats = statsOf(state, stateKey(state), rational(target), memo.states);
  const solvable = stats.wins > 0;
  return {
    solvable,
    probability: stats.p,
    difficulty: bits(stats.p),
    uniformDifficulty: bits(stats.u),
    solutions: stats.wins,
    integerSolutions: stats.integerWins,
    nonNegativeSolutions: stats.nonNegativeWins,
    needsFraction: solvable && stats.integerWins === 0,
  };
}

/** Number of winning move sequences (see PuzzleAnalysis.solutions). */
export function countSolutions(numbers: readonly number[], target: number): number {
  return analysePuzzle(numbers, target).solutions;
}

const ZERO = rational(0);
const ONE = rational(1);
const AVOIDED_WEIGHT = rational(1, 4);

function bits(p: Rational): number {
  return p.n === 0n ? Number.POSITIVE_INFINITY : -Math.log2(p.valueOf());
}

function walkerWeight(result: Rational): Rational {
  let w = ONE;
  if (!isInteger(result)) w = w.mul(AVOIDED_WEIGHT);
  if (isNegative(result)) w = w.mul(AVOIDED_WEIGHT);
  return w;
}

function statsOf(state: State, key: string, goal: Rational, memo: Map<string, StateStats>): StateStats {
  const cached = memo.get(key);
  if (cached !== undefined) return cached;
  let stats: StateStats;
  if (state.length === 1) {
    const win = (state[0] as Rational).equals(goal) ? 1 : 0;
    const p = win === 1 ? ONE : ZERO;
    stats = { p, u: p, wins: win, integerWins: win, nonNegativeWins: win };
  } else {
    const moves = legalMoves(state);
    let weighted = ZERO;
    let totalWeight = ZERO;
    let u = ZERO;
    let wins = 0;
    let integerWins = 0;
    let nonNegativeWins = 0;
    for (const move of moves) {
      const child = statsOf(move.next, move.key, goal, memo);
      const w = walkerWeight(move.result);
      weighted = weighted.add(child.p.mul(w));
      totalWeight = totalWeight.add(w);
      u = u.add(child.u);
      wins += child.wins;
      // The last result equals the integer target, so only intermediates are judged.
      const final = move.next.length === 1;
      if (final || isInteger(move.result)) integerWins += child.integerWins;
      if (final || !isNegative(move.result)) nonNegativeWins += child.nonNegativeWins;
    }
    stats = { p: weighted.div(totalWeight), u: u.div(moves.length), wins, integerWins, nonNegativeWins };
  }
  memo.set(key, stats);
  return stats;
}
