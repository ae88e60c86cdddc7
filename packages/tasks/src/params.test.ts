import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { checkParamKeys } from './params.js';

const problem = (params: Record<string, string>) => ({ task: 't', question: 'q', params });

function errorOf(fn: () => unknown): InvalidArgumentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err;
    throw err;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('checkParamKeys', () => {
  it('accepts known keys and no keys', () => {
    expect(() => checkParamKeys(problem({ a: '1', bb: '2' }), 't', ['a', 'bb'])).not.toThrow();
    expect(() => checkParamKeys(problem({}), 't', [])).not.toThrow();
  });

  it('names the field, the key, the closest known key and all known keys', () => {
    const err = errorOf(() => checkParamKeys(problem({ target: '1', tagret: '2' }), 'countdown', ['target']));
    expect(err.field).toBe('problem.params');
    expect(err.kind).toBe('invalid_argument');
    expect(err.message).toBe('problem.params: unknown key "tagret" for task countdown (did you mean target?); known: target');
  });

  it('suggests nothing for a key unlike any known one, and says when a task takes none', () => {
    expect(errorOf(() => checkParamKeys(problem({ colour: 'x' }), 'math', ['delimiter', 'reference'])).message).toBe(
      'problem.params: unknown key "colour" for task math; known: delimiter, reference',
    );
    expect(errorOf(() => checkParamKeys(problem({ x: '1' }), 'bench', [])).message).toBe('problem.params: unknown key "x" for task bench; known: none');
  });

  it('never shows a value, nor a key that is long or not a plain name', () => {
    const secret = 'hunter2-secret';
    for (const key of ['k'.repeat(41), `target ${secret}`, 'color\n', 'x'.repeat(10_000)]) {
      const message = errorOf(() => checkParamKeys(problem({ [key]: secret }), 'countdown', ['target'])).message;
      expect(message).toBe('problem.params: unknown key a name that is not one for task countdown; known: target');
    }
    expect(errorOf(() => checkParamKeys(problem({ tagret: secret }), 'countdown', ['target'])).message).not.toContain(secret);
  });
});
