// ARBOR_REWARD_VERIFY_OUTCOME: wraps any reward backend so that the outcome of a math problem with a reference is
// the exact verdict on its final answer (math-verify), not the model's estimate. The step rewards stay the model's.
import type { StepRewards } from '@arbor/contracts';
import { math } from '@arbor/tasks';
import type { RewardBackend } from '../backend.js';
import { verifiedOutcome } from './math-verify.js';

export function withVerifiedOutcome(inner: RewardBackend): RewardBackend {
  return {
    name: inner.name,
    check: (problem) => inner.check(problem),
    ...(inner.start && { start: inner.start.bind(inner) }),
    async score(items, signal) {
      const scored = await inner.score(items, signal);
      const rewards = scored.rewards.map((reward, i): StepRewards => {
        const item = items[i];
        if (!item || item.problem.task !== math.TASK_NAME || math.parseProblem(item.problem).reference === undefined) return reward;
        const outcome = verifiedOutcome(item.problem, item.trajectory.steps.map((s) => s.text));
        // Unfinished by the verifier's reading: no outcome, whatever the model thought.
        return outcome === undefined ? { stepRewards: reward.stepRewards } : { stepRewards: reward.stepRewards, outcome };
      });
      return { rewards, usage: scored.usage };
    },
  };
}
