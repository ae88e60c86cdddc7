import type { Problem__Output, StepRewards } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { scanForGroundTruth } from '@arbor/tasks/honesty';
import type { RewardItem } from '../backend.js';
import { createEmbeddedReward } from './embedded.js';

const signal = new AbortController().signal;
const reward = createEmbeddedReward();

function problem(question: string, target = ''): Problem__Output {
  return { task: 'countdown', id: 'p', question, params: target === '' ? {} : { target } };
}

function items(question: string, trajectories: string[][], target = ''): RewardItem[] {
  const p = problem(question, target);
  return trajectories.map((steps) => ({ problem: p, trajectory: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } }));
}

async function score(question: string, trajectories: string[][], target = ''): Promise<StepRewards[]> {
  return (await reward.score(items(question, trajectories, target), signal)).rewards;
}

const SOLVED = ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)', '6 * 4 = 24 (left: 24)'];

describe('embedded reward', () => {
  it('rewards every valid step and a correct finish', async () => {
    expect(await score('4 9 10 13', [SOLVED])).toEqual([{ stepRewards: [1, 1, 1], outcome: 1 }]);
  });

  it('leaves the outcome out until the trajectory is finished', async () => {
    const [partial, empty] = await score('4 9 10 13', [SOLVED.slice(0, 2), []]);
    expect(partial).toEqual({ stepRewards: [1, 1] });
    expect(partial !== undefined && 'outcome' in partial).toBe(false);
    expect(empty).toEqual({ stepRewards: [] });
  });

  it('scores a finished wrong total 0 while crediting its valid steps', async () => {
    const [r] = await score('4 9 10 13', [['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)', '6 + 4 = 10 (left: 10)']]);
    expect(r).toEqual({ stepRewards: [1, 1, 1], outcome: 0 });
  });

  it('scores a slipped step and everything after it 0', async () => {
    // What the embedded policy writes at slip rate 1: right operands, wrong result, a left list that trusts it.
    const slipped = ['13 - 9 = 5 (left: 4 5 10)', '10 - 5 = 5 (left: 4 5)', '5 * 4 = 20 (left: 20)'];
    expect(await score('4 9 10 13', [slipped])).toEqual([{ stepRewards: [0, 0, 0], outcome: 0 }]);
    const lateSlip = ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)', '6 * 4 = 25 (left: 25)'];
    expect(await score('4 9 10 13', [lateSlip])).toEqual([{ stepRewards: [1, 1, 0], outcome: 0 }]);
    // A later step that would be right from the claimed state still earns nothing.
    const [r] = await score('4 9 10 13', [['13 - 9 = 5 (left: 4 5 10)', '10 + 5 = 15 (left: 4 15)']]);
    expect(r).toEqual({ stepRewards: [0, 0] });
  });

  it('treats wrong left lists, missing operands and junk as invalid', async () => {
    const rs = await score('4 9 10 13', [['13 - 9 = 4 (left: 4 10)'], ['12 * 2 = 24 (left: 24)'], ['I give up']]);
    expect(rs).toEqual([{ stepRewards: [0] }, { stepRewards: [0], outcome: 0 }, { stepRewards: [0] }]);
  });

  it('uses the target parameter and exact fractions', async () => {
    expect(await score('4 6', [['6 + 4 = 10 (left: 10)']], '10')).toEqual([{ stepRewards: [1], outcome: 1 }]);
    const fractions = ['8 / 3 = 8/3 (left: 8/3 3 8)', '3 - 8/3 = 1/3 (left: 1/3 8)', '8 / 1/3 = 24 (left: 24)'];
    expect(await score('3 3 8 8', [fractions])).toEqual([{ stepRewards: [1, 1, 1], outcome: 1 }]);
  });

  it('answers in request order with estimated usage', async () => {
    const trajectories = [SOLVED, SOLVED.slice(0, 1)];
    const r = await reward.score(items('4 9 10 13', trajectories), signal);
    expect(r.rewards?.map((x) => x.stepRewards)).toEqual([[1, 1, 1], [1]]);
    const puzzle = countdown.makePuzzle([4, 9, 10, 13]);
    const input = trajectories.reduce((sum, t) => sum + estimateTokens(countdown.renderPrompt(puzzle, t)), 0);
    expect(r.usage).toMatchObject({ inputTokens: input, outputTokens: 0, calls: 1, costUsd: 0, model: 'embedded/countdown-reward', estimated: true });
  });

  it('scores a batch that mixes problems, each item against its own', async () => {
    const mixed = [...items('4 6', [['6 + 4 = 10 (left: 10)']], '10'), ...items('4 6', [['6 + 4 = 10 (left: 10)']])];
    expect((await reward.score(mixed, signal)).rewards).toEqual([{ stepRewards: [1], outcome: 1 }, { stepRewards: [1], outcome: 0 }]);
  });

  it('names the bad field of a problem it cannot serve', () => {
    const fieldOf = (p: Problem__Output): string => {
      try {
        reward.check(p);
      } catch (err) {
        if (err instanceof InvalidArgumentError) return err.field;
        throw err;
      }
      throw new Error('expected an InvalidArgumentError');
    };
    expect(fieldOf(problem('4 x 10'))).toBe('problem.question');
    expect(fieldOf({ task: 'math', id: '', question: '1', params: {} })).toBe('problem.task');
    expect(() => reward.check(problem('4 9 10 13'))).not.toThrow();
  });
});

describe('embedded reward sources', () => {
  it('never reach for the solver or the dataset', () => {
    const scan = scanForGroundTruth(new URL('./', import.meta.url), 'embedded');
    expect(scan.files.length).toBeGreaterThanOrEqual(2);
    expect(scan.offenders).toEqual([]);
  });
});
