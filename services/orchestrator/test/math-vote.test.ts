// Majority vote on math answers is the search's vote (best-of-N, DVTS, REBASE) keyed by the math task's
// answer keys, as the search runner takes them (answerKeysOf): different spellings of one answer, down to
// symbolic equivalence, are one ballot box.
import { describe, expect, it } from 'vitest';
import { vote } from '@arbor/search';
import { answerKeysOf, getTask } from '@arbor/tasks';

const problem = { task: 'math', question: 'Half of one?', params: {} };

describe('majority vote on math answers', () => {
  it('counts 0.5, 1/2 and \\frac{1}{2} as one answer, which outvotes a more frequent spelling of another', () => {
    const answerKey = answerKeysOf(getTask('math'), problem);
    const answers = ['3', '3', '3', '0.5', '\\frac{1}{2}', '1/2', '\\dfrac{1}{2}'];
    const result = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', answerKey);
    expect(answers[result!.index]).toBe('0.5');
    expect(result!.score).toBeCloseTo(4 / 7);
  });

  it('groups an amount with its units and what it counts, and keeps different amounts apart', () => {
    const answerKey = answerKeysOf(getTask('math'), problem);
    const answers = ['17', '18 dollars', '\\$18', '18', '17.5', '17 apples'];
    const result = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', answerKey);
    expect(answers[result!.index]).toBe('18 dollars');
    expect(result!.score).toBeCloseTo(3 / 6);
    expect(answerKey('')).toBe('invalid');
  });

  it('groups symbolically equivalent answers, which outvote a more frequent spelling of another', () => {
    const answerKey = answerKeysOf(getTask('math'), problem);
    const answers = ['x + 3', 'x + 3', '\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}', '(x+2)/7'];
    const result = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', answerKey);
    expect(answers[result!.index]).toBe('\\frac{x+2}{7}');
    expect(result!.score).toBeCloseTo(3 / 5);
    // By spelling alone, x + 3 would win.
    const bySpelling = vote(answers.map((answer) => ({ answer, score: 0.5 })), 'majority', (answer) => getTask('math').answerKey(problem, answer));
    expect(answers[bySpelling!.index]).toBe('x + 3');
  });
});
