// Choosing best-of-N's answer from its finished samples: majority (self-consistency), reward-weighted, or best.

import type { Vote } from './config.js';

export interface Ballot {
  answer: string;
  /** Trajectory score; undefined when it could not be scored (counts as 0 weight). */
  score: number | undefined;
}

export interface VoteResult {
  /** Index of the ballot that represents the winner (its trajectory is returned as `best`). */
  index: number;
  /** Majority: the winner's share of ballots; reward-weighted: its share of total weight; best: its score. */
  score: number;
}

interface Group {
  count: number;
  weight: number;
  /** Lowest ballot index in the group: the final, deterministic tie-break. */
  first: number;
  /** Highest-scoring member (earliest on ties). */
  representative: number;
}

/** Returns null when there are no ballots. Ties always resolve the same way for the same ballots. */
export function vote(ballots: readonly Ballot[], how: Vote, answerKey: (answer: string) => string): VoteResult | null {
  if (ballots.length === 0) return null;
  if (how === 'best') {
    let index = 0;
    ballots.forEach((b, i) => {
      if (weight(b) > weight(ballots[index])) index = i;
    });
    return { index, score: weight(ballots[index]) };
  }
  const groups = new Map<string, Group>();
  ballots.forEach((b, i) => {
    const key = answerKey(b.answer);
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { count: 1, weight: weight(b), first: i, representative: i });
      return;
    }
    g.count += 1;
    g.weight += weight(b);
    if (weight(b) > weight(ballots[g.representative])) g.representative = i;
  });
  const ranked = [...groups.values()].sort((a, b) =>
    how === 'majority'
      ? b.count - a.count || b.weight - a.weight || a.first - b.first
      : b.weight - a.weight || b.count - a.count || a.first - b.first,
  );
  const winner = ranked[0];
  if (!winner) return null;
  const totalWeight = ballots.reduce((sum, b) => sum + weight(b), 0);
  const score = how === 'majority' ? winner.count / ballots.length : totalWeight > 0 ? winner.weight / totalWeight : 0;
  return { index: winner.representative, score };
}

function weight(ballot: Ballot | undefined): number {
  return ballot?.score ?? 0;
}
