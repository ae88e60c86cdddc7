// What a trajectory weighs in its batch, for sharing the batch's usage out over its callers (shareBatchUsage).
import { estimateTokens } from '@arbor/tasks';
import type { RewardItem } from './backend.js';

/** The estimated tokens of the item's question and steps (at least 1): its part of the batch's prompts. */
export function itemWeight({ problem, trajectory }: RewardItem): number {
  return Math.max(1, trajectory.steps.reduce((sum, step) => sum + estimateTokens(step.text), estimateTokens(problem.question)));
}
