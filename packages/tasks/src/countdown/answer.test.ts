import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { checkAnswer } from './answer.js';
import { evaluate, formatExpression, parseExpression } from './expression.js';
import { makePuzzle } from './problem.js';
import { formatRational } from './rational.js';

const p5551 = makePuzzle([5, 5, 5, 1]);
const p4 = makePuzzle([4, 9, 10, 13]);

describe('checkAnswer', () => {
  it('accepts exact answers, fractions included', () => {
    expect(checkAnswer(p5551, '5*(5-1/5)')).toEqual({ correct: true, reason: 'ok', message: 'correct', value: '24' });
    expect(checkAnswer(makePuzzle([3, 3, 8, 8]), '8 / (3 - 8 / 3)').correct).toBe(true);
    expect(checkAnswer(p4, '(13-9)*(10-4)').correct).toBe(true);
  });

  it('accepts a wire problem, an "Answer:" prefix, a true "= 24" and unicode operators', () => {
    const wire = { task: 'countdown', question: '4 9 10 13', params: {} };
    expect(checkAnswer(wire, 'Answer: (13 - 9) × (10 - 4) = 24').correct).toBe(true);
    expect(checkAnswer(wire, '(13 − 9) * (10 − 4)').correct).toBe(true);
  });

  it('rejects a number used twice or missing, and extra numbers', () => {
    expect(checkAnswer(p5551, '5*(5-1/5)*1').reason).toBe('numbers_mismatch');
    expect(checkAnswer(p4, '(13-9)*(10-4)+4-4').reason).toBe('numbers_mismatch');
    expect(checkAnswer(p4, '(13-9)*6').reason).toBe('numbers_mismatch');
    expect(checkAnswer(p4, '4*6').reason).toBe('numbers_mismatch');
  });

  it('gives the exact value of a legal but wrong answer', () => {
    expect(checkAnswer(p4, '4+9+10+13')).toMatchObject({ correct: false, reason: 'wrong_value', value: '36' });
    expect(checkAnswer(makePuzzle([1, 2]), '1/2')).toMatchObject({ correct: false, reason: 'wrong_value', value: '1/2' });
  });

  it('rejects division by zero, false claims and non-expressions', () => {
    expect(checkAnswer(makePuzzle([4, 9, 9, 10]), '4/(9-9)+10').reason).toBe('division_by_zero');
    expect(checkAnswer(p4, '(13-9)*(10-4) = 25').reason).toBe('wrong_claim');
    for (const bad of ['', '(13-9)*(10-4', '13-9)*(10-4)', '2^3', '-4+9+10+13', '4 9 10 13', '4+9=10=13', '(13-9)*(10-4) = x', '4.0*9']) {
      expect(checkAnswer(p4, bad).reason).toBe('parse_error');
    }
    expect(checkAnswer(p4, '('.repeat(100) + '4' + ')'.repeat(100)).reason).toBe('parse_error');
  });

  it('throws InvalidArgumentError only for a malformed problem', () => {
    expect(() => checkAnswer({ task: 'countdown', question: '4 x', params: {} }, '4')).toThrow(InvalidArgumentError);
  });
});

describe('expressions', () => {
  it('respects precedence and left associativity', () => {
    const value = (t: string): string => {
      const v = evaluate(parseExpression(t));
      return v === null ? 'none' : formatRational(v);
    };
    expect(value('2+3*4')).toBe('14');
    expect(value('8-3-2')).toBe('3');
    expect(value('8/4/2')).toBe('1');
    expect(value('8/(4/2)')).toBe('4');
    expect(value('1/3+1/6')).toBe('1/2');
    expect(value('4/(9-9)')).toBe('none');
  });

  it.each(['(13-9)*(10-4)', '8/(3-8/3)', '5*(5-1/5)', '13-(9-4)', '13-9-4', '12/(3*4)', '(2+3)*(4+5)', '2*3+4*5', '1/(2/3)'])(
    'prints %s with minimal parentheses, stable under a round trip',
    (text) => {
      expect(formatExpression(parseExpression(text))).toBe(text);
    },
  );

  it('drops parentheses the grammar does not need', () => {
    expect(formatExpression(parseExpression('((13)-(9))+(4*(6))'))).toBe('13-9+4*6');
  });
});
