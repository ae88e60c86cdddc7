import { describe, expect, it } from 'vitest';
import { checkAnswer } from './answer.js';
import { enumeratePuzzles } from './dataset.js';
import { makePuzzle } from './problem.js';
import { formatRational } from './rational.js';
import { analysePuzzle, countSolutions, createAnalysisMemo, solve } from './solver.js';

describe('solve', () => {
  it('finds a verifiable answer for known puzzles', () => {
    for (const numbers of [[4, 9, 10, 13], [3, 3, 8, 8], [1, 5, 5, 5], [1, 3, 4, 6], [12, 12, 12, 12]]) {
      const answer = solve(numbers, 24);
      expect(answer).not.toBeNull();
      expect(checkAnswer(makePuzzle(numbers), answer ?? '').correct).toBe(true);
    }
    expect(solve([3, 3, 8, 8], 24)).toBe('8/(3-8/3)');
  });

  it('prefers non-negative integer intermediates', () => {
    // The first answer in search order, (4-10)*(9-13), goes through negatives.
    expect(solve([4, 9, 10, 13], 24)).toBe('4*(9+10-13)');
    expect(solve([1, 5, 5, 5], 24)).toBe('5*(5-1/5)');
  });

  it('returns null when there is no answer', () => {
    expect(solve([1, 1, 1, 1], 24)).toBeNull();
    expect(solve([1, 1], 3)).toBeNull();
    expect(solve([13, 13, 13, 13, 13, 13], 1_000_000_000)).toBeNull();
  });

  it('handles other targets, negative and 5 to 6 numbers', () => {
    expect(solve([4, 6], -2)).toBe('4-6');
    expect(checkAnswer(makePuzzle([25, 50, 75, 100, 3, 6], 952), solve([25, 50, 75, 100, 3, 6], 952) ?? '').correct).toBe(true);
  });

  it('agrees with the exhaustive analysis on every puzzle over 1..7', () => {
    const memo = createAnalysisMemo(24);
    for (const numbers of enumeratePuzzles(4, 1, 7)) {
      expect(solve(numbers, 24) !== null).toBe(analysePuzzle(numbers, 24, memo).solvable);
    }
  });
});

describe('analysePuzzle', () => {
  it('computes exact walker probabilities on a two-number puzzle', () => {
    // Moves from 4 6: 10, 24, 2, -2, 3/2, 2/3. The walker weighs -2, 3/2, 2/3 at 1/4: p = 1 / (3 + 3/4).
    const a = analysePuzzle([4, 6], 24);
    expect(formatRational(a.probability)).toBe('4/15');
    expect(a.difficulty).toBeCloseTo(Math.log2(15 / 4), 12);
    expect(a.uniformDifficulty).toBeCloseTo(Math.log2(6), 12);
    expect(a.solutions).toBe(1);
  });

  it('marks puzzles that need a fraction', () => {
    const a = analysePuzzle([3, 3, 8, 8], 24);
    expect(a).toMatchObject({ solvable: true, solutions: 1, integerSolutions: 0, needsFraction: true });
    const b = analysePuzzle([4, 9, 10, 13], 24);
    expect(b.solvable && !b.needsFraction && b.integerSolutions > 0).toBe(true);
    expect(b.solutions).toBe(countSolutions([4, 9, 10, 13], 24));
  });

  it('reports unsolvable puzzles with infinite difficulty', () => {
    expect(analysePuzzle([1, 1, 1, 1], 24)).toMatchObject({ solvable: false, solutions: 0, difficulty: Number.POSITIVE_INFINITY });
  });

  it('counts winning move sequences, independent sub-steps in either order', () => {
    expect(countSolutions([4, 6], 24)).toBe(1);
    // 2+2=4 then 4*6, or 6*2=12 then 12*2; 2*2=4 reaches the same state as 2+2 and is not counted again.
    expect(countSolutions([2, 2, 6], 24)).toBe(2);
    // (13-9)*(10-4) and (9-13)*(4-10), each with its two sub-steps in either order, plus 4*(9+10-13) variants.
    expect(countSolutions([4, 9, 10, 13], 24)).toBeGreaterThanOrEqual(4);
  });

  it('refuses a memo built for another target', () => {
    expect(() => analysePuzzle([4, 6], 10, createAnalysisMemo(24))).toThrow(RangeError);
  });
});
