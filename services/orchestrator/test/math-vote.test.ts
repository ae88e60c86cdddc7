// Majority vote on math answers is the search's vote (best-of-N, DVTS, REBASE) keyed by the math task's
// normalised answer: different spellings of one number are one ballot box.
import { describe, expect, it } from 'vitest';
import { vote } from '@arbor/search';
import { getTask } from '@arbor/tasks';

const problem = { task: 'math', question: 'Half of one?', params: {} };
const answerKey = (answer: string) => getTask('math').answerKey(problem, answer);

describe('majority vote on math answers', () => {
  it('counts 0.5, 1/2 and \\frac{1}{2} as one answer, which outvotes a more frequent spelling of another', () => {
    const answers = ['3', '3', '3', '0.5', '\\frac{1}{2}', '1/2', '\\dfrac{1}{2}'];
    const result = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', answerKey);
    expect(answers[result!.index]).toBe('0.5');
    expect(result!.score).toBeCloseTo(4 / 7);
  });

  it('groups an amount with its units and what it counts, and keeps different amounts apart', () => {
    const answers = ['17', '18 dollars', '\\$18', '18', '17.5', '17 apples'];
    const result = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', answerKey);
    expect(answers[result!.index]).toBe('18 dollars');
    expect(result!.score).toBeCloseTo(3 / 6);
    expect(answerKey('')).toBe('invalid');
  });
});
