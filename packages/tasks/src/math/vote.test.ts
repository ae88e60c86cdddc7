import { describe, expect, it } from 'vitest';
import { majorityVote } from './vote.js';

describe('majorityVote', () => {
  it('counts spellings of one value together and returns the first spelling', () => {
    expect(majorityVote(['3', '0.5', '\\frac{1}{2}', '3', '1/2'])).toEqual({ answer: '0.5', key: '1/2', votes: 3 });
    expect(majorityVote(['18 dollars', '$18', '20'])).toEqual({ answer: '18 dollars', key: '18', votes: 2 });
  });

  it('breaks ties by first appearance', () => {
    expect(majorityVote(['4', '3', '3', '4'])).toEqual({ answer: '4', key: '4', votes: 2 });
    expect(majorityVote(['a', 'b', 'c'])).toEqual({ answer: 'a', key: 'a', votes: 1 });
    expect(majorityVote(['7', '8', '8', '7', '9', '9'])).toEqual({ answer: '7', key: '7', votes: 2 });
  });

  it('ignores answers with nothing in them', () => {
    expect(majorityVote(['', '$$', '', '5'])).toEqual({ answer: '5', key: '5', votes: 1 });
    expect(majorityVote(['', '  '])).toBeUndefined();
  });

  it('is undefined for no answers', () => {
    expect(majorityVote([])).toBeUndefined();
  });

  it('returns a fresh object each time', () => {
    const answers = ['1', '1'];
    const first = majorityVote(answers);
    if (first !== undefined) first.votes = 99;
    expect(majorityVote(answers)?.votes).toBe(2);
  });
});
