// Folding step-level process rewards into one trajectory score.

import type { StepRewards } from './model.js';

export type Aggregation = 'last' | 'min' | 'product';

export const AGGREGATIONS: readonly Aggregation[] = ['last', 'min', 'product'];

/** Clamps a model's score into [0, 1]; NaN (a broken reply) counts as 0 so it can never win a ranking. */
export function unitInterval(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.min(1, Math.max(0, x));
}

/**
 * 'last' trusts the PRM's judgement of the whole prefix at its final step; 'min' says a chain is only as
 * good as its weakest step; 'product' treats step rewards as independent probabilities of correctness.
 * An empty list scores 0: a trajectory without steps has no answer.
 */
export function aggregateRewards(rewards: readonly number[], how: Aggregation): number {
  if (rewards.length === 0) return 0;
  switch (how) {
    case 'last':
      return rewards[rewards.length - 1] ?? 0;
    case 'min':
      return Math.min(...rewards);
    case 'product':
      return rewards.reduce((acc, r) => acc * r, 1);
  }
}

/** A finished trajectory's score: the outcome reward when the reward service gave one, else the aggregated PRM. */
export function trajectoryScore(rewards: StepRewards, how: Aggregation): number {
  return rewards.outcome ?? aggregateRewards(rewards.stepRewards, how);
}
