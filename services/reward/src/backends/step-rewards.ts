// Step rewards read from one flat list of per-step scores (every step of every trajectory, in order), as the
// judge and the next-token PRM return them: each trajectory takes its own steps' scores, and a finished one its
// last step's score as its outcome, capped below 1 (a model's estimate never counts as verified).
import type { StepRewards } from '@arbor/contracts';
import type { RewardItem } from '../backend.js';
import { isFinished } from './finished.js';
import { modelOutcome } from './model-outcome.js';

export function stepRewardsOf(items: readonly RewardItem[], steps: readonly (readonly string[])[], scores: readonly number[]): StepRewards[] {
  let at = 0;
  return items.map((item, i): StepRewards => {
    const own = steps[i] as string[];
    const stepRewards = scores.slice(at, at + own.length);
    at += own.length;
    if (stepRewards.length === 0 || !isFinished(item.problem, own)) return { stepRewards };
    return { stepRewards, outcome: modelOutcome(stepRewards.at(-1) as number) };
  });
}
