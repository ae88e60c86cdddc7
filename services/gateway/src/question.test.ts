import { InvalidArgumentError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { parseQuestion } from './question.js';

describe('parseQuestion', () => {
  it('reads countdown numbers with the default target 24', () => {
    expect(parseQuestion('countdown', '4 9 10 13')).toEqual({ question: '4 9 10 13', params: { target: '24' } });
    expect(parseQuestion('countdown', ' 4, 9, 10, 13 ')).toEqual({ question: '4 9 10 13', params: { target: '24' } });
  });

  it('reads the target after "make", "reach" or "target"', () => {
    expect(parseQuestion('countdown', 'Use 2 3 5 7 11 to make 100')).toEqual({ question: '2 3 5 7 11', params: { target: '100' } });
    expect(parseQuestion('countdown', 'Reach 10 with 1 2 3 4.')).toEqual({ question: '1 2 3 4', params: { target: '10' } });
    expect(parseQuestion('countdown', 'numbers 3 8 8, target: 24')).toEqual({ question: '3 8 8', params: { target: '24' } });
  });

  it('refuses a message without numbers, naming messages and never quoting it', () => {
    const secret = 'hello secret-problem';
    let caught: unknown;
    try {
      parseQuestion('countdown', secret);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).field).toBe('messages');
    expect((caught as Error).message).not.toContain('secret');
    expect(() => parseQuestion('math', '   ')).toThrow(InvalidArgumentError);
  });

  it('passes another task\'s message through', () => {
    expect(parseQuestion('math', ' What is 2+2? ')).toEqual({ question: 'What is 2+2?', params: {} });
  });
});
