import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { makePuzzle, parseProblem } from './problem.js';

const problem = (question: string, params: Record<string, string> = {}) => ({ task: 'countdown', question, params });

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err.field;
    throw err;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('parseProblem', () => {
  it('reads the numbers in order and defaults the target to 24', () => {
    expect(parseProblem(problem('4 9 10 13'))).toEqual({ numbers: [4, 9, 10, 13], target: 24 });
    expect(parseProblem(problem('  4  9\t10 13 ', { target: '' }))).toEqual({ numbers: [4, 9, 10, 13], target: 24 });
  });

  it('tolerates commas and reads any integer target, negative included', () => {
    expect(parseProblem(problem('4, 9, 10, 13', { target: '100' }))).toEqual({ numbers: [4, 9, 10, 13], target: 100 });
    expect(parseProblem(problem('2 3', { target: '-1' })).target).toBe(-1);
    expect(parseProblem(problem('2 3', { target: ' +6 ' })).target).toBe(6);
  });

  it('accepts 2 and 6 numbers', () => {
    expect(parseProblem(problem('1 2')).numbers).toEqual([1, 2]);
    expect(parseProblem(problem('1 2 3 4 5 6')).numbers).toHaveLength(6);
  });

  it.each([
    ['4 x 10', 'problem.question'],
    ['', 'problem.question'],
    ['   ', 'problem.question'],
    ['1 2 3 4 5 6 7', 'problem.question'],
    ['5', 'problem.question'],
    ['0 4 6 8', 'problem.question'],
    ['-3 4 6 8', 'problem.question'],
    ['1.5 4 6 8', 'problem.question'],
    ['1/2 4 6 8', 'problem.question'],
    ['1000001 4', 'problem.question'],
    ['1' + '0'.repeat(400) + ' 4', 'problem.question'],
  ])('rejects question %j', (question, field) => {
    expect(fieldOf(() => parseProblem(problem(question)))).toBe(field);
  });

  it('names the number that is wrong, by its place, never quoting the question', () => {
    expect(() => parseProblem(problem('4 hunter2 10'))).toThrow(/^problem\.question: number 2 is not a positive integer$/);
    expect(() => parseProblem(problem('4 6', { target: 'hunter2' }))).toThrow(/^problem\.params\.target: is not an integer with magnitude at most \d+$/);
    expect(() => parseProblem(problem('4 99999999'))).toThrow(/^problem\.question: number 2 exceeds the limit \d+$/);
    expect(() => parseProblem(problem('1 2 3 4 5 6 7'))).toThrow('has 7 numbers; expected 2 to 6');
  });

  it.each(['abc', '2.5', '1/2', '99999999999', '24 25'])('rejects target %j', (target) => {
    expect(fieldOf(() => parseProblem(problem('4 6', { target })))).toBe('problem.params.target');
  });

  it('refuses a params key countdown does not read, suggesting the closest, never quoting a value', () => {
    expect(() => parseProblem(problem('4 9 10 13', { tagret: '24' }))).toThrow(
      /^problem\.params: unknown key "tagret" for task countdown \(did you mean target\?\); known: target$/,
    );
    expect(fieldOf(() => parseProblem(problem('4 9 10 13', { target: '24', reference: 'hunter2' })))).toBe('problem.params');
    expect(() => parseProblem(problem('4 9 10 13', { reference: 'hunter2' }))).toThrow(/^problem\.params: unknown key "reference" for task countdown; known: target$/);
    // A long or odd key is not shown at all.
    expect(() => parseProblem(problem('4 9', { ['tagret'.repeat(20)]: '1' }))).toThrow(/^problem\.params: unknown key a name that is not one for task countdown; known: target$/);
  });

  it('rejects another task', () => {
    expect(fieldOf(() => parseProblem({ task: 'math', question: '4 6', params: {} }))).toBe('problem.task');
  });
});

describe('makePuzzle', () => {
  it('validates like parseProblem', () => {
    expect(makePuzzle([3, 3, 8, 8])).toEqual({ numbers: [3, 3, 8, 8], target: 24 });
    expect(fieldOf(() => makePuzzle([3]))).toBe('numbers');
    expect(fieldOf(() => makePuzzle([3, 0]))).toBe('numbers[1]');
    expect(fieldOf(() => makePuzzle([3, 2.5]))).toBe('numbers[1]');
    expect(fieldOf(() => makePuzzle([3, 4], 0.5))).toBe('target');
  });
});
