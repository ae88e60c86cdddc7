import { describe, expect, it } from 'vitest';
import { checkAnswer } from './answer.js';
import { composeAnswer } from './compose.js';
import { makePuzzle } from './problem.js';

describe('composeAnswer', () => {
  it('replays steps into one expression', () => {
    const puzzle = makePuzzle([4, 9, 10, 13]);
    const answer = composeAnswer(puzzle, ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)', '4 * 6 = 24 (left: 24)']);
    expect(answer).toBe('(13-9)*(10-4)');
    expect(checkAnswer(puzzle, answer ?? '').correct).toBe(true);
  });

  it('tracks fractional intermediates', () => {
    const puzzle = makePuzzle([3, 3, 8, 8]);
    const answer = composeAnswer(puzzle, ['8 / 3 = 8/3 (left: 3 8/3 8)', '3 - 8/3 = 1/3 (left: 1/3 8)', '8 / 1/3 = 24 (left: 24)']);
    expect(answer).toBe('8/(3-8/3)');
    expect(checkAnswer(puzzle, answer ?? '').correct).toBe(true);
  });

  it('keeps what the steps did after a slip, so the answer is judged on its true value', () => {
    const puzzle = makePuzzle([4, 9, 10, 13]);
    const answer = composeAnswer(puzzle, ['13 - 9 = 5 (left: 4 5 10)', '10 + 5 = 15 (left: 4 15)', '4 + 15 = 19 (left: 19)']);
    // 4+(10+(13-9)) needs no parentheses: + is associative.
    expect(answer).toBe('4+10+13-9');
    expect(checkAnswer(puzzle, answer ?? '')).toMatchObject({ correct: false, value: '18' });
  });

  it('enters untracked operands as literals, which fail the number check', () => {
    const puzzle = makePuzzle([4, 6]);
    const answer = composeAnswer(puzzle, ['12 * 2 = 24 (left: 24)']);
    expect(answer).toBe('12*2');
    expect(checkAnswer(puzzle, answer ?? '').reason).toBe('numbers_mismatch');
    expect(composeAnswer(makePuzzle([3, 5]), ['3 - 5 = -2 (left: -2)', '-2 * 1/2 = -1 (left: -1)'])).toBe('(3-5)*(1/2)');
  });

  it('skips unreadable steps and returns null when nothing was read', () => {
    const puzzle = makePuzzle([4, 6]);
    expect(composeAnswer(puzzle, [])).toBeNull();
    expect(composeAnswer(puzzle, ['hmm'])).toBeNull();
    expect(composeAnswer(puzzle, ['hmm', '4 * 6 = 24 (left: 24)'])).toBe('4*6');
  });
});
