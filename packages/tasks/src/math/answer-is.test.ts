import { describe, expect, it } from 'vitest';
import { isAnswerLike, MAX_ANSWER_KEY_LENGTH, stripDecoration } from './answer-is.js';

describe('isAnswerLike', () => {
  it.each([
    '42', '-3', '3.5', '\\frac{1}{2}', '18 dollars', '5 million dollars', 'x = 5', '50\\%', '1,000',
    'x^2 + 1', '(2, 5)', 'A', '\\text{(B)}', '2\\pi', '2 pi', '5\\sqrt{2}', '\\sin x + \\cos x', '2ab', 'a=1, b=2',
    'Tuesday', 'yes', '42 cookies', '6 red apples', '3 hours and 20 minutes', '1, 2, and 3',
  ])('accepts %j', (answer) => {
    expect(isAnswerLike(answer)).toBe(true);
  });

  it.each([
    '', '$$', 'reasonable by plugging in x = 3', 'correct', 'Correct', '\\text{wrong}', 'not 5', 'approximately 3.14',
    'obtained by 5x', 'the sum of the two numbers', `x${' + x'.repeat(MAX_ANSWER_KEY_LENGTH / 2)}`,
    '1'.repeat(200),
  ])('rejects %j', (answer) => {
    expect(isAnswerLike(answer)).toBe(false);
  });
});

describe('stripDecoration', () => {
  it('removes surrounding spaces, dollars and bold, repeatedly', () => {
    expect(stripDecoration(' **$42$** ')).toBe('42');
    expect(stripDecoration('$$')).toBe('');
    expect(stripDecoration('\\$5')).toBe('\\$5');
  });
});
