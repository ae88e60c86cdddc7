import { InvalidArgumentError } from '@arbor/kit/errors';
import { countdown } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { checkJudgeProblem, problemStatement, STEP_QUESTION, stepPrompts, VALUE_QUESTION, valuePrompt } from './prompts.js';

const mathProblem = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };
const countdownProblem = { task: 'countdown', id: 'c', question: '4 9 10 13', params: { target: '24' } };

describe('judge prompts', () => {
  it('shows a math question and the steps joined with its delimiter, never the reference', () => {
    const prompt = valuePrompt({ ...mathProblem, params: { reference: '42', delimiter: '\n---\n' } }, ['6 * 7 = 40 + 2', 'So 42.']);
    expect(prompt).toContain('What is 6 times 7?');
    expect(prompt).toContain('6 * 7 = 40 + 2\n---\nSo 42.');
    expect(prompt.endsWith(VALUE_QUESTION)).toBe(true);
    expect(valuePrompt(mathProblem, [])).toContain('(no steps yet)');
    expect(valuePrompt({ ...mathProblem, question: 'Ten?', params: { reference: '987654' } }, [])).not.toContain('987654');
  });

  it('renders countdown states as the embedded backends do', () => {
    const puzzle = countdown.parseProblem(countdownProblem);
    const steps = ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)'];
    expect(valuePrompt(countdownProblem, steps)).toBe(`${countdown.renderPrompt(puzzle, steps)}\n${VALUE_QUESTION}`);
  });

  it('asks about each step with the steps before it', () => {
    const prompts = stepPrompts(mathProblem, ['a', 'b', 'c']);
    expect(prompts).toHaveLength(3);
    expect(prompts[0]).toContain('Solution so far:\na\n');
    expect(prompts[2]).toContain('a\n\nb\n\nc\n');
    for (const p of prompts) expect(p.endsWith(STEP_QUESTION)).toBe(true);
    expect(stepPrompts(mathProblem, [])).toEqual([]);
  });

  it('states the problem for a reward model', () => {
    expect(problemStatement(mathProblem)).toBe('What is 6 times 7?');
    expect(problemStatement(countdownProblem)).toContain('4 9 10 13');
    expect(problemStatement(countdownProblem)).toContain('24');
  });

  it('refuses unknown tasks and malformed problems with the field', () => {
    const field = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (err) {
        if (err instanceof InvalidArgumentError) return err.field;
        throw err;
      }
      return undefined;
    };
    expect(field(() => checkJudgeProblem({ task: 'chess', question: 'e4', params: {} }))).toBe('problem.task');
    expect(field(() => checkJudgeProblem({ ...countdownProblem, question: '4 x' }))).toBe('problem.question');
    expect(field(() => checkJudgeProblem({ ...mathProblem, question: '  ' }))).toBe('problem.question');
    expect(field(() => checkJudgeProblem(mathProblem))).toBeUndefined();
  });
});
