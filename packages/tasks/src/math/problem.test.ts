import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STEP_DELIMITER, MAX_QUESTION_LENGTH, parseProblem } from './problem.js';

const problem = (question: string, params: Record<string, string> = {}, task = 'math') => ({ task, question, params });

function errorOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err;
    throw err;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('parseProblem', () => {
  it('reads the question, trimmed, with the default delimiter and no reference', () => {
    expect(parseProblem(problem('  What is 6 times 7?\n'))).toEqual({ question: 'What is 6 times 7?', delimiter: '\n\n' });
    expect(DEFAULT_STEP_DELIMITER).toBe('\n\n');
    expect('reference' in parseProblem(problem('What is 6 times 7?'))).toBe(false);
  });

  it('reads the reference and a literal delimiter', () => {
    expect(parseProblem(problem('Half of 1?', { reference: ' \\frac{1}{2} ', delimiter: '\n' }))).toEqual({
      question: 'Half of 1?',
      reference: '\\frac{1}{2}',
      delimiter: '\n',
    });
    // No unescaping: the two characters backslash and n are the delimiter.
    expect(parseProblem(problem('q', { delimiter: '\\n\\n' })).delimiter).toBe('\\n\\n');
    expect(parseProblem(problem('q', { delimiter: ' ' })).delimiter).toBe(' ');
  });

  it('treats an empty reference as none (proto3 maps cannot tell absent from empty)', () => {
    expect(parseProblem(problem('q', { reference: '' }))).toEqual({ question: 'q', delimiter: '\n\n' });
    expect(parseProblem(problem('q', { reference: '   ' })).reference).toBeUndefined();
  });

  it('accepts a question at the length limit', () => {
    expect(parseProblem(problem('x'.repeat(MAX_QUESTION_LENGTH))).question).toHaveLength(MAX_QUESTION_LENGTH);
  });

  it.each([
    [problem(''), 'problem.question', 'problem.question: is empty; expected the text of a word problem'],
    [problem(' \n\t '), 'problem.question', 'problem.question: is empty; expected the text of a word problem'],
    [problem('x'.repeat(MAX_QUESTION_LENGTH + 1)), 'problem.question', 'problem.question: has 8001 characters; the limit is 8000'],
    [problem('q', { reference: '$ $' }), 'problem.params.reference', 'problem.params.reference: contains no answer (it normalises to nothing)'],
    [problem('q', { reference: '1'.repeat(1001) }), 'problem.params.reference', 'problem.params.reference: has 1001 characters; the limit is 1000'],
    [problem('q', { delimiter: '' }), 'problem.params.delimiter', 'problem.params.delimiter: must be non-empty'],
    [problem('q', { delimiter: '-'.repeat(65) }), 'problem.params.delimiter', 'problem.params.delimiter: has 65 characters; the limit is 64'],
    [problem('q', { target: '24' }), 'problem.params', 'problem.params: unknown key "target" for task math; known: delimiter, reference'],
    [problem('q', { refrence: '42' }), 'problem.params', 'problem.params: unknown key "refrence" for task math (did you mean reference?); known: delimiter, reference'],
    [problem('q', { delimeter: '\n' }), 'problem.params', 'problem.params: unknown key "delimeter" for task math (did you mean delimiter?); known: delimiter, reference'],
    [problem('q', {}, 'countdown'), 'problem.task', 'problem.task: expected "math", got "countdown"'],
  ])('rejects %#, naming the field', (input, field, message) => {
    const err = errorOf(() => parseProblem(input));
    expect(err.field).toBe(field);
    expect(err.message).toBe(message);
  });
});
