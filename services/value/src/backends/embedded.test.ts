import type { Problem__Output } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { scanForGroundTruth } from '@arbor/tasks/honesty';
import type { ValueItem } from '../backend.js';
import { createEmbeddedValue } from './embedded.js';

const signal = new AbortController().signal;
const value = createEmbeddedValue();

function problem(question: string, target = ''): Problem__Output {
  return { task: 'countdown', id: 'p', question, params: target === '' ? {} : { target } };
}

function items(question: string, states: string[][], target = ''): ValueItem[] {
  const p = problem(question, target);
  return states.map((steps) => ({ problem: p, state: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } }));
}

async function values(question: string, states: string[][], target = ''): Promise<number[]> {
  return (await value.evaluate(items(question, states, target), signal)).values;
}

describe('embedded value: exact where cheap', () => {
  it('scores one number left as 1 or 0', async () => {
    expect(await values('4 6', [['6 * 4 = 24 (left: 24)'], ['6 + 4 = 10 (left: 10)']])).toEqual([1, 0]);
    expect(await values('4 6', [['6 + 4 = 10 (left: 10)']], '10')).toEqual([1]);
  });

  it('checks two numbers exactly over the six operations, fractions included', async () => {
    expect(await values('4 6', [[]])).toEqual([1]);
    expect(await values('4 7', [[]])).toEqual([0]);
    expect(await values('8 3', [[]], '-5')).toEqual([1]);
    // 1 5 5 5 -> 1/5, then 5 - 1/5 = 24/5 leaves 24/5 5, and 24/5 * 5 = 24.
    expect(await values('1 5 5 5', [['1 / 5 = 1/5 (left: 1/5 5 5)', '5 - 1/5 = 24/5 (left: 24/5 5)']])).toEqual([1]);
    expect(await values('1 5 5 5', [['1 / 5 = 1/5 (left: 1/5 5 5)', '5 + 1/5 = 26/5 (left: 26/5 5)']])).toEqual([0]);
  });

  it('gives 0 to a trajectory with an invalid step', async () => {
    expect(await values('4 9 10 13', [['13 - 9 = 5 (left: 4 5 10)'], ['nonsense'], ['13 - 9 = 4 (left: 4 10)']])).toEqual([0, 0, 0]);
  });
});

describe('embedded value: heuristic', () => {
  it('rates three numbers by integer ways through, exact for three integers', async () => {
    const [good, dead] = await values('4 9 10 13', [['13 - 9 = 4 (left: 4 4 10)'], ['13 * 10 = 130 (left: 4 9 130)']]);
    expect(good).toBeGreaterThan(0.75);
    expect(dead).toBe(0.05);
    // 4 4 10 has one way through (10 - 4, then 4 * 6); 2 3 4 has three (2 * 3, 3 * 4, 2 * 4): more is better.
    const [oneWay] = await values('4 4 10', [[]]);
    const [threeWays] = await values('2 3 4', [[]]);
    expect(oneWay).toBeCloseTo(0.6 + 0.35 / 2, 12);
    expect(threeWays).toBeCloseTo(0.6 + 0.35 * (7 / 8), 12);
  });

  it('makes fraction-only routes look unpromising, though not dead', async () => {
    // 3 3 8 8 is solvable only as 8/(3-8/3); after 8 / 3 the lookahead cannot see the way.
    const [fraction, integerDead, integerGood] = await values('3 3 8 8', [
      ['8 / 3 = 8/3 (left: 8/3 3 8)'],
      ['3 * 3 = 9 (left: 8 8 9)'],
      ['8 / 8 = 1 (left: 1 3 3)'],
    ]);
    expect(fraction).toBe(0.15);
    expect(integerDead).toBe(0.05);
    expect(integerGood).toBe(0.05);
  });

  it('uses shallow features for four numbers or more, within (0, 1)', async () => {
    const roots = await values('4 9 10 13', [[]]);
    const [ones] = await values('1 1 1 1', [[]]);
    const [big] = await values('2 3 4 6 8 12', [[]]);
    expect(ones).toBeLessThan(0.15);
    expect(roots[0]).toBeGreaterThan(ones ?? 1);
    for (const v of [...roots, ones, big]) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('answers in request order, deterministically', async () => {
    const states = [['6 * 4 = 24 (left: 24)'], [], ['6 + 4 = 10 (left: 10)']];
    const a = await values('4 6', states);
    expect(a).toEqual([1, 1, 0]);
    expect(await values('4 6', states)).toEqual(a);
    expect(await values('4 6', [])).toEqual([]);
  });

  it('reports estimated usage', async () => {
    const states = [['13 - 9 = 4 (left: 4 4 10)'], []];
    const r = await value.evaluate(items('4 9 10 13', states), signal);
    const puzzle = countdown.makePuzzle([4, 9, 10, 13]);
    const input = states.reduce((sum, s) => sum + estimateTokens(countdown.renderPrompt(puzzle, s)), 0);
    expect(r.usage).toMatchObject({ inputTokens: input, calls: 1, costUsd: 0, model: 'embedded/countdown-value', estimated: true });
    // One verdict word per state ("sure", "likely" or "impossible"): 1 to 3 tokens each.
    expect(r.usage?.outputTokens).toBeGreaterThanOrEqual(2);
    expect(r.usage?.outputTokens).toBeLessThanOrEqual(6);
  });

  it('scores a batch that mixes problems, each item against its own', async () => {
    const mixed = [...items('4 6', [['6 * 4 = 24 (left: 24)']]), ...items('4 6', [['6 + 4 = 10 (left: 10)']], '10'), ...items('4 7', [[]])];
    expect((await value.evaluate(mixed, signal)).values).toEqual([1, 1, 0]);
  });
});

describe('embedded value: problem check', () => {
  function fieldOf(p: Problem__Output): string {
    try {
      value.check(p);
    } catch (err) {
      if (err instanceof InvalidArgumentError) return err.field;
      throw err;
    }
    throw new Error('expected an InvalidArgumentError');
  }

  it('names the bad field', () => {
    expect(fieldOf(problem('4 x 10'))).toBe('problem.question');
    expect(fieldOf(problem('4 10', 'x'))).toBe('problem.params.target');
    expect(fieldOf({ task: 'math', id: '', question: '1', params: {} })).toBe('problem.task');
    expect(() => value.check(problem('4 9 10 13'))).not.toThrow();
  });
});

describe('embedded value sources', () => {
  it('never reach for the solver or the dataset', () => {
    const scan = scanForGroundTruth(new URL('./', import.meta.url), 'embedded');
    expect(scan.files.length).toBeGreaterThanOrEqual(2);
    expect(scan.offenders).toEqual([]);
  });
});
