import type { Problem__Output, StepRewards, Usage } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import type { RewardBackend, RewardItem } from '../backend.js';
import { createMathVerifyReward } from './math-verify.js';
import { withVerifiedOutcome } from './verify-outcome.js';

const signal = new AbortController().signal;
const verify = createMathVerifyReward();

const math = (reference?: string): Problem__Output => ({ task: 'math', id: 'm', question: 'What is 3/4 of 8?', params: reference === undefined ? {} : { reference } });
const countdown: Problem__Output = { task: 'countdown', id: 'c', question: '4 6', params: {} };

function item(problem: Problem__Output, steps: string[]): RewardItem {
  return { problem, trajectory: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } };
}

describe('math-verify reward', () => {
  it('scores a finished trajectory by its final answer against the reference', async () => {
    const { rewards } = await verify.score(
      [
        item(math('6'), ['3/4 of 8 is 8 * 3 / 4.', 'The answer is \\boxed{6}.']),
        item(math('6'), ['3/4 of 8 is 8 + 3 / 4.', 'The answer is \\boxed{8.75}.']),
        item(math('\\frac{12}{2}'), ['So the answer is 6.0']),
      ],
      signal,
    );
    expect(rewards).toEqual([
      { stepRewards: [0.5, 1], outcome: 1 },
      { stepRewards: [0.5, 0], outcome: 0 },
      { stepRewards: [1], outcome: 1 },
    ]);
  });

  it('grades as the math grader does: LaTeX forms, symbolic equivalence, relations, and no pair taken for a number', async () => {
    const { rewards } = await verify.score(
      [
        item(math('\\frac{x+2}{7}'), ['The answer is \\boxed{\\frac{x}{7}+\\frac{2}{7}}.']),
        item(math('\\sec^2(y)'), ['The answer is \\boxed{\\tan^2(y)+1}.']),
        item(math('(1, \\frac{9}{2})'), ['The answer is \\boxed{(1, 4.5)}.']),
        item(math('x \\geq 5'), ['The answer is \\boxed{5 \\leq x}.']),
        item(math('32349'), ['The answer is \\boxed{32, 349}.']),
        item(math('\\frac{1}{12}'), ['The answer is \\boxed{0.0833}.']),
      ],
      signal,
    );
    expect(rewards.map((r) => r.outcome)).toEqual([1, 1, 1, 1, 0, 0]);
  });

  it('says nothing about unfinished trajectories or problems without a reference', async () => {
    const { rewards, usage } = await verify.score(
      [item(math('6'), ['3/4 of 8 is 8 * 3 / 4.']), item(math(), ['The answer is \\boxed{6}.']), item(math('6'), [])],
      signal,
    );
    expect(rewards).toEqual([{ stepRewards: [0.5] }, { stepRewards: [0.5] }, { stepRewards: [] }]);
    expect(rewards.every((r) => !('outcome' in r))).toBe(true);
    expect(usage).toMatchObject({ inputTokens: 0, outputTokens: 0, calls: 1, model: 'rule/math-verify' });
  });

  it('serves math only', () => {
    expect(() => verify.check(countdown)).toThrow(InvalidArgumentError);
    expect(() => verify.check(countdown)).toThrow(/problem.task/);
    expect(() => verify.check({ ...math('6'), question: ' ' })).toThrow(/problem.question/);
    expect(() => verify.check(math())).not.toThrow();
  });
});

describe('ARBOR_REWARD_VERIFY_OUTCOME wrapper', () => {
  /** A model that is sure of every step and every outcome. */
  const confident: RewardBackend = {
    name: 'confident',
    check() {},
    async score(items) {
      const rewards = items.map((i): StepRewards => ({ stepRewards: i.trajectory.steps.map(() => 0.9), outcome: 0.9 }));
      const usage: Usage = { inputTokens: 5, calls: 1 };
      return { rewards, usage };
    },
  };
  const wrapped = withVerifiedOutcome(confident);

  it('replaces the outcome of a math problem with a reference by the exact verdict', async () => {
    const { rewards, usage } = await wrapped.score(
      [
        item(math('6'), ['The answer is \\boxed{6}.']),
        item(math('6'), ['a', 'The answer is \\boxed{7}.']),
        item(math('6'), ['still working']),
        item(math(), ['The answer is \\boxed{7}.']),
        item(countdown, ['6 * 4 = 24 (left: 24)']),
      ],
      signal,
    );
    expect(rewards).toEqual([
      { stepRewards: [0.9], outcome: 1 },
      { stepRewards: [0.9, 0.9], outcome: 0 },
      // Not finished by the verifier's reading: the model's outcome goes.
      { stepRewards: [0.9] },
      // No reference, or not math: the model's outcome stays.
      { stepRewards: [0.9], outcome: 0.9 },
      { stepRewards: [0.9], outcome: 0.9 },
    ]);
    expect(usage).toEqual({ inputTokens: 5, calls: 1 });
    expect(wrapped.name).toBe('confident');
  });
});
