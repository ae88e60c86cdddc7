import { describe, expect, it } from 'vitest';
import { vote, type Ballot } from './vote.js';

const id = (a: string): string => a;
const ballots = (...pairs: Array<[string, number | undefined]>): Ballot[] =>
  pairs.map(([answer, score]) => ({ answer, score }));

describe('vote', () => {
  // Three low-reward '7's against two verified '42's: the crowd and the verifier disagree.
  const crafted = ballots(['7', 0.2], ['7', 0.1], ['7', 0.3], ['42', 1], ['42', 1]);

  it('majority picks the most frequent answer, represented by its best-scored member', () => {
    expect(vote(crafted, 'majority', id)).toEqual({ index: 2, score: 3 / 5 });
  });

  it('reward_weighted picks the answer with the largest summed score', () => {
    const result = vote(crafted, 'reward_weighted', id);
    expect(result?.index).toBe(3);
    expect(result?.score).toBeCloseTo(2 / 2.6, 12);
  });

  it('best picks the single highest score, earliest on ties', () => {
    expect(vote(crafted, 'best', id)).toEqual({ index: 3, score: 1 });
  });

  it('breaks a majority tie by summed reward', () => {
    const tied = ballots(['7', 0.2], ['42', 0.9], ['7', 0.3], ['42', 0.1]);
    expect(vote(tied, 'majority', id)?.index).toBe(1);
  });

  it('breaks a full tie by first appearance', () => {
    expect(vote(ballots(['x', 0.5], ['y', 0.5]), 'majority', id)?.index).toBe(0);
    expect(vote(ballots(['y', 0.5], ['x', 0.5]), 'reward_weighted', id)?.index).toBe(0);
  });

  it('groups answers through answerKey', () => {
    const key = (a: string): string => String(Number.parseFloat(a));
    const result = vote(ballots(['7', 0.5], ['42', 0.5], ['42.0', 0.5]), 'majority', key);
    expect(result?.index).toBe(1);
    expect(result?.score).toBeCloseTo(2 / 3, 12);
  });

  it('counts unscored ballots in a majority but gives them no weight', () => {
    const unscored = ballots(['7', undefined], ['7', undefined], ['42', 0.4]);
    expect(vote(unscored, 'majority', id)?.index).toBe(0);
    expect(vote(unscored, 'reward_weighted', id)).toEqual({ index: 2, score: 1 });
  });

  it('returns null without ballots', () => {
    expect(vote([], 'majority', id)).toBeNull();
  });
});
