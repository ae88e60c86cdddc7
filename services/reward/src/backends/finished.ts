// When a trajectory is finished, for the backends that score with a model or a verifier: only a finished
// trajectory gets an outcome reward.
import type { Problem__Output } from '@arbor/contracts';
import { countdown, math } from '@arbor/tasks';

/**
 * Math: the last step states a final answer. Countdown: one number is left, really or as the last step claims
 * (a slipped final step still ends the attempt, as in the embedded reward). Other tasks: never.
 */
export function isFinished(problem: Problem__Output, steps: readonly string[]): boolean {
  switch (problem.task) {
    case math.TASK_NAME:
      return math.finalAnswer(steps) !== undefined;
    case countdown.TASK_NAME: {
      const replayed = countdown.replay(countdown.parseProblem(problem), steps);
      if (replayed.failure === null && replayed.state.length === 1) return true;
      const last = steps.at(-1);
      return last !== undefined && countdown.claimedLeft(last)?.length === 1;
    }
    default:
      return false;
  }
}
