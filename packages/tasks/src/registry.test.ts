import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { getTask, taskNames } from './registry.js';

const problem = (question: string, params: Record<string, string> = {}) => ({ task: 'countdown', question, params });

describe('getTask', () => {
  it('finds countdown and math', () => {
    expect(getTask('countdown').name).toBe('countdown');
    expect(getTask('math').name).toBe('math');
    expect(taskNames()).toEqual(['countdown', 'math']);
  });

  it('names the field and the known tasks for an unknown one', () => {
    try {
      getTask('x');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).field).toBe('problem.task');
      expect((err as Error).message).toBe('problem.task: unknown task "x"; known: countdown, math');
    }
  });
});

describe('countdown task definition', () => {
  const task = getTask('countdown');

  it('validates problems', () => {
    expect(() => task.validateProblem(problem('4 9 10 13'))).not.toThrow();
    expect(() => task.validateProblem(problem('4 9 10 x'))).toThrow('problem.question');
    expect(() => task.validateProblem(problem('4 9', { target: 'ten' }))).toThrow('problem.params.target');
  });

  it('verifies answers exactly', () => {
    expect(task.verifyAnswer(problem('1 5 5 5'), '5*(5-1/5)')).toBe(true);
    expect(task.verifyAnswer(problem('1 5 5 5'), '5*5-1/5')).toBe(false);
    expect(task.verifyAnswer(problem('4 6', { target: '10' }), '4+6')).toBe(true);
  });

  it('keys answers by exact value, or invalid', () => {
    expect(task.answerKey(problem('4 9 10 13'), '(13-9)*(10-4)')).toBe('24');
    expect(task.answerKey(problem('4 9 10 13'), '(13 - 9) * (10 - 4) = 24')).toBe('24');
    expect(task.answerKey(problem('1 2'), '1/2')).toBe('1/2');
    expect(task.answerKey(problem('1 2'), '2-1')).toBe('1');
    expect(task.answerKey(problem('1 2'), '1/2/1')).toBe('invalid');
    expect(task.answerKey(problem('1 2'), 'banana')).toBe('invalid');
  });

  it('keys states by remaining numbers, invalid ones by their text', () => {
    expect(task.stateKey(problem('4 9 10 13'), [])).toBe('4 9 10 13');
    expect(task.stateKey(problem('13 10 9 4'), ['13 - 9 = 4 (left: 4 4 10)'])).toBe('4 4 10');
    expect(task.stateKey(problem('4 9 10 13'), ['10 - 4 = 6 (left: 6 9 13)', '13 - 9 = 4 (left: 4 6)'])).toBe(
      task.stateKey(problem('4 9 10 13'), ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)']),
    );
    expect(task.stateKey(problem('4 9 10 13'), ['13 - 9 = 5 (left: 4 5 10)'])).toBe('invalid:13 - 9 = 5 (left: 4 5 10)');
  });
});
