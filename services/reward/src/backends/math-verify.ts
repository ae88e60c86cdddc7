// The math-verify reward backend: rule-based, no model. The outcome of a finished math trajectory is whether
// its final answer is equivalent to params.reference; steps carry no information (0.5) except the last step of
// a verified trajectory, which gets the verdict.
import type { Problem__Output, StepRewards } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { math } from '@arbor/tasks';
import type { RewardBackend } from '../backend.js';

export const MATH_VERIFY_MODEL = 'rule/math-verify';
/** A step reward that says nothing either way. */
export const NO_INFORMATION = 0.5;

/**
 * 1 or 0 when the problem is math, has a reference and the trajectory states a final answer; undefined when
 * there is nothing to verify. Throws InvalidArgumentError for a malformed math problem.
 */
export function verifiedOutcome(problem: Problem__Output, steps: readonly string[]): number | undefined {
  if (problem.task !== math.TASK_NAME) return undefined;
  const { reference } = math.parseProblem(problem);
  if (reference === undefined) return undefined;
  const answer = math.finalAnswer(steps);
  if (answer === undefined) return undefined;
  return math.answersEquivalent(answer, reference) ? 1 : 0;
}

export function verifyTrajectory(problem: Problem__Output, steps: readonly string[]): StepRewards {
  const stepRewards = steps.map(() => NO_INFORMATION);
  const outcome = verifiedOutcome(problem, steps);
  if (outcome === undefined) return { stepRewards };
  stepRewards[stepRewards.length - 1] = outcome;
  return { stepRewards, outcome };
}

export function createMathVerifyReward(): RewardBackend {
  return {
    name: 'math-verify',
    check(problem) {
      if (problem.task !== math.TASK_NAME) {
        throw new InvalidArgumentError('problem.task', `math-verify checks "${math.TASK_NAME}" answers only, got ${nameInMessage(problem.task)}`);
      }
      math.parseProblem(problem);
    },
    async score(items, signal) {
      if (signal.aborted) throw new CancelledError('score cancelled');
      const started = performance.now();
      const rewards = items.map((item) => verifyTrajectory(item.problem, item.trajectory.steps.map((s) => s.text)));
      // A verifier reads no tokens a model would bill for.
      const usage = { inputTokens: 0, outputTokens: 0, calls: 1, costUsd: 0, computeMs: performance.now() - started, model: MATH_VERIFY_MODEL, estimated: false };
      return { rewards, usage };
    },
  };
}
