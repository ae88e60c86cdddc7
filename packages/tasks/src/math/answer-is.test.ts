import { describe, expect, it } from 'vitest';
import { isAnswerLike, lastAnswerIs, MAX_ANSWER_KEY_LENGTH, stripDecoration } from './answer-is.js';

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

  it('removes math delimiters \\( \\) and \\[ \\] but keeps an escaped dollar at the end', () => {
    expect(stripDecoration('\\(42\\)')).toBe('42');
    expect(stripDecoration(' \\[ \\frac{1}{3} \\] ')).toBe('\\frac{1}{3}');
    expect(stripDecoration('**\\( x = 2 \\)**')).toBe('x = 2');
    expect(stripDecoration('5\\$')).toBe('5\\$');
    expect(stripDecoration('(1, 2]')).toBe('(1, 2]');
  });

  it('stays linear on long runs of decoration', () => {
    const started = performance.now();
    expect(stripDecoration(`${'$'.repeat(50_000)}7${'*'.repeat(50_000)}`)).toBe('7');
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe('lastAnswerIs', () => {
  it.each([
    ['Final Answer: The final answer is $3$. I hope it is correct.', '3'],
    ['Final Answer: 12', '12'],
    ['final answer:**  12**', '12'],
    ['__Final Answer__: 12', '12'],
    ['# Final Answer\n\n  12  ', '12'],
    ['Final Answer:\n\\(12\\)', '12'],
    ['The answer is 11.\nFinal Answer: 12', '12'],
    ['Final Answer: 12\nSo the answer is 13.', '13'],
  ])('reads "Final Answer:" labels and headings: %j → %j', (text, answer) => {
    expect(lastAnswerIs(text)).toBe(answer);
  });

  it.each([
    'the final answer of 12',
    'Our final answer 12',
    'Before the final answer: 12 is a guess we made up.',
    'Final Answer:\n\nWe now compute the area of the triangle.',
  ])('ignores other uses of "final answer": %j', (text) => {
    expect(lastAnswerIs(text)).toBeUndefined();
  });
});
