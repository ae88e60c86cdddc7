import { describe, expect, it } from 'vitest';
import { checkStep } from './check.js';
import { makePuzzle } from './problem.js';
import { parseRational, type Rational } from './rational.js';
import { claimedState, replay } from './replay.js';
import { formatState, initialState, sortState, type State } from './state.js';

const state = (text: string): State => sortState(text.split(' ').map((t) => parseRational(t) as Rational));

function verdict(s: string, text: string): string {
  const v = checkStep(state(s), text);
  return v.valid ? `valid -> ${formatState(v.next)}` : v.reason;
}

describe('checkStep', () => {
  it('accepts a correct step and returns the next state', () => {
    expect(verdict('4 9 10 13', '13 - 9 = 4 (left: 4 4 10)')).toBe('valid -> 4 4 10');
    expect(verdict('4 4 10', '10 - 4 = 6 (left: 4 6)')).toBe('valid -> 4 6');
    expect(verdict('4 6', '4 * 6 = 24 (left: 24)')).toBe('valid -> 24');
  });

  it('accepts exact fractions and any order of the left list', () => {
    expect(verdict('1 5 5 5', '1 / 5 = 1/5 (left: 5 5 1/5)')).toBe('valid -> 1/5 5 5');
    expect(verdict('1/5 5 5', '5 - 1/5 = 24/5 (left: 24/5 5)')).toBe('valid -> 24/5 5');
    expect(verdict('24/5 5', '5 * 24/5 = 24 (left: 24)')).toBe('valid -> 24');
    expect(verdict('3 8', '3 - 8 = -5 (left: -5)')).toBe('valid -> -5');
  });

  it('rejects wrong arithmetic', () => {
    expect(verdict('4 9 10 13', '13 - 9 = 5 (left: 4 5 10)')).toBe('wrong_result');
    expect(verdict('1 5 5 5', '1 / 5 = 0 (left: 0 5 5)')).toBe('wrong_result');
    const v = checkStep(state('4 9 10 13'), '13 - 9 = 5 (left: 4 5 10)');
    expect(v.valid ? '' : v.message).toBe('13 - 9 is 4');
  });

  it('rejects a wrong left list', () => {
    expect(verdict('4 9 10 13', '13 - 9 = 4 (left: 4 10)')).toBe('wrong_left');
    expect(verdict('4 9 10 13', '13 - 9 = 4 (left: 4 4 10 13)')).toBe('wrong_left');
    expect(verdict('4 9 10 13', '13 - 9 = 4 (left: 4 4 11)')).toBe('wrong_left');
  });

  it('rejects operands that are not in the state, counting copies', () => {
    expect(verdict('4 9 10 13', '12 * 2 = 24 (left: 4 9 24)')).toBe('operand_missing');
    expect(verdict('4 9 10 13', '4 + 4 = 8 (left: 8 9 10 13)')).toBe('operand_missing');
    expect(verdict('4 4 10', '4 + 4 = 8 (left: 8 10)')).toBe('valid -> 8 10');
  });

  it('rejects division by zero, malformed text, and steps after the end', () => {
    expect(verdict('0 5', '5 / 0 = 0 (left: 0)')).toBe('division_by_zero');
    expect(verdict('4 9 10 13', 'thirteen minus nine')).toBe('malformed');
    expect(verdict('4 9 10 13', '13 - 9 = 4')).toBe('malformed');
    expect(verdict('24', '24 + 0 = 24 (left: 24)')).toBe('finished');
  });
});

describe('replay and claimedState', () => {
  const puzzle = makePuzzle([4, 9, 10, 13]);

  it('replays valid steps to the remaining numbers', () => {
    const r = replay(puzzle, ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)']);
    expect(formatState(r.state)).toBe('4 6');
    expect(r.validSteps).toBe(2);
    expect(r.failure).toBeNull();
  });

  it('stops at the first invalid step', () => {
    const r = replay(puzzle, ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 7 (left: 4 7)', '4 + 7 = 11 (left: 11)']);
    expect(formatState(r.state)).toBe('4 4 10');
    expect(r.validSteps).toBe(1);
    expect(r.failure).toEqual({ index: 1, reason: 'wrong_result', message: '10 - 4 is 6' });
  });

  it('claims the last readable left list, like an LLM that trusts its own slip', () => {
    expect(formatState(claimedState(puzzle, []))).toBe(formatState(initialState(puzzle)));
    expect(formatState(claimedState(puzzle, ['13 - 9 = 5 (left: 4 5 10)']))).toBe('4 5 10');
    expect(formatState(claimedState(puzzle, ['13 - 9 = 5 (left: 4 5 10)', 'garbage']))).toBe('4 5 10');
  });
});
