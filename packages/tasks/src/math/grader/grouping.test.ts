// Votes group equivalent answers, whatever their spelling, and stop grading at their bound.
import { describe, expect, it } from 'vitest';
import { equivalenceKeys } from './grouping.js';

describe('equivalenceKeys', () => {
  it('gives equivalent answers one key, the canonical form of the first of them', () => {
    const keyOf = equivalenceKeys();
    const first = keyOf('\\frac{x+2}{7}');
    expect(keyOf('\\frac{x}{7}+\\frac{2}{7}')).toBe(first);
    expect(keyOf('(x+2)/7')).toBe(first);
    expect(keyOf('x + 2')).not.toBe(first);
    expect(keyOf('\\{1, 2\\}')).toBe(keyOf('\\{2, 1\\}'));
    expect(keyOf('(1, 2)')).not.toBe(keyOf('(2, 1)'));
    expect(keyOf('0.5')).toBe(keyOf('\\frac{1}{2}'));
    expect(keyOf('0.5')).toBe('1/2');
    expect(keyOf('$$')).toBe('invalid');
  });

  it('never groups a pair with the number its digits spell', () => {
    const keyOf = equivalenceKeys();
    expect(keyOf('32, 349')).not.toBe(keyOf('32349'));
  });

  it('keeps apart answers the grader keeps apart, though their canonical forms agree', () => {
    const keyOf = equivalenceKeys();
    const keys = ['x = 2', 'y = 2', 'y = 2', 'x = 3', 'x = 3', '5 cm', '5 m'].map(keyOf);
    expect(new Set(keys).size).toBe(5);
    expect(keys[1]).toBe(keys[2]);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[5]).not.toBe(keys[6]);
  });

  it('makes each new spelling a group of its own once its comparisons are spent', () => {
    const keyOf = equivalenceKeys({ maxComparisons: 1, maxMs: 10_000 });
    const first = keyOf('\\frac{x+2}{7}');
    expect(keyOf('y')).not.toBe(first); // the one comparison
    expect(keyOf('\\frac{x}{7}+\\frac{2}{7}')).not.toBe(first); // none left
    expect(keyOf('\\frac{x+2}{7}')).toBe(first); // the same spelling still finds its group
  });
});
