import { describe, expect, it } from 'vitest';
import { getTask } from '../registry.js';
import { mathTask } from './task.js';

const problem = (params: Record<string, string> = {}) => ({ task: 'math', question: 'What is half of one?', params });
const withRef = problem({ reference: '\\frac{1}{2}' });

describe('math task definition', () => {
  it('is registered under "math"', () => {
    expect(getTask('math')).toBe(mathTask);
    expect(mathTask.name).toBe('math');
  });

  it('validates problems, naming the field', () => {
    expect(() => mathTask.validateProblem(withRef)).not.toThrow();
    expect(() => mathTask.validateProblem(problem())).not.toThrow();
    expect(() => mathTask.validateProblem({ task: 'math', question: ' ', params: {} })).toThrow('problem.question');
    expect(() => mathTask.validateProblem(problem({ reference: '$$' }))).toThrow('problem.params.reference');
    expect(() => mathTask.validateProblem(problem({ delimiter: '' }))).toThrow('problem.params.delimiter');
    expect(() => mathTask.validateProblem(problem({ level: '5' }))).toThrow('problem.params: unknown key "level" for task math; known: delimiter, reference');
    expect(() => mathTask.validateProblem({ ...withRef, task: 'countdown' })).toThrow('problem.task');
  });

  it('verifies answers against the reference by canonical form', () => {
    for (const answer of ['1/2', '0.5', '\\dfrac12', '$\\frac{1}{2}$', '\\boxed{0.50}']) {
      expect(mathTask.verifyAnswer(withRef, answer)).toBe(true);
    }
    for (const answer of ['2', '-1/2', '', 'one half']) expect(mathTask.verifyAnswer(withRef, answer)).toBe(false);
    expect(mathTask.verifyAnswer(problem({ reference: '18' }), '18 dollars')).toBe(true);
  });

  it('verifies nothing without a reference', () => {
    expect(mathTask.verifyAnswer(problem(), '1/2')).toBe(false);
    expect(mathTask.verifyAnswer(problem(), '')).toBe(false);
  });

  it('keys answers by canonical form, empty ones as invalid', () => {
    expect(mathTask.answerKey(withRef, '0.5')).toBe('1/2');
    expect(mathTask.answerKey(withRef, '1,000 dollars')).toBe('1000');
    expect(mathTask.answerKey(withRef, 'x^{2} + 1')).toBe('x^2+1');
    expect(mathTask.answerKey(problem(), '7')).toBe('7');
    expect(mathTask.answerKey(withRef, '')).toBe('invalid');
    expect(mathTask.answerKey(withRef, '  ')).toBe('invalid');
    expect(mathTask.answerKey(withRef, '$$')).toBe('invalid');
  });

  it('keys states by their whitespace-collapsed text, joined with the delimiter', () => {
    expect(mathTask.stateKey(withRef, [])).toBe('');
    expect(mathTask.stateKey(withRef, ['  Half  of 1\nis 0.5. ', 'The answer is 1/2.'])).toBe('Half of 1 is 0.5.\n\nThe answer is 1/2.');
    expect(mathTask.stateKey(withRef, ['a  b', 'c'])).toBe(mathTask.stateKey(withRef, ['a b ', '\tc']));
    expect(mathTask.stateKey(problem({ delimiter: '|' }), ['a', 'b'])).toBe('a|b');
    // Nothing cleverer: the same value written differently is a different state.
    expect(mathTask.stateKey(withRef, ['x = 0.5'])).not.toBe(mathTask.stateKey(withRef, ['x = 1/2']));
  });

  it('throws for a malformed problem in every hook', () => {
    const bad = { task: 'math', question: '', params: {} };
    expect(() => mathTask.verifyAnswer(bad, '1')).toThrow('problem.question');
    expect(() => mathTask.answerKey(bad, '1')).toThrow('problem.question');
    expect(() => mathTask.stateKey(bad, [])).toThrow('problem.question');
  });
});
