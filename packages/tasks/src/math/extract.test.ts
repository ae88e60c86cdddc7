import { describe, expect, it } from 'vitest';
import { extractAnswer } from './extract.js';

describe('extractAnswer', () => {
  it('reads the content of a \\boxed{} with nested braces', () => {
    expect(extractAnswer('So the result is $\\boxed{\\frac{1}{2}}$.')).toBe('\\frac{1}{2}');
    expect(extractAnswer('\\boxed{\\left\\{1, 2\\right\\}}')).toBe('\\left\\{1, 2\\right\\}');
    expect(extractAnswer('\\boxed{ 42 }')).toBe('42');
  });

  it('takes the last box', () => {
    expect(extractAnswer('First \\boxed{1}, then \\boxed{2}.\n\nFinally $\\boxed{3}$')).toBe('3');
    expect(extractAnswer('\\boxed{7} and later the answer is 8.')).toBe('7');
  });

  it('reads \\fbox{} and the unbraced \\boxed 42', () => {
    expect(extractAnswer('\\fbox{7}')).toBe('7');
    expect(extractAnswer('\\boxed{1} then \\fbox{2}')).toBe('2');
    expect(extractAnswer('so $\\boxed 42$')).toBe('42');
    expect(extractAnswer('\\boxed 42 is it')).toBe('42');
  });

  it('skips empty and unclosed boxes', () => {
    expect(extractAnswer('\\boxed{5} \\boxed{}')).toBe('5');
    expect(extractAnswer('\\boxed{5} \\boxed{6')).toBe('5');
    expect(extractAnswer('Put your answer in \\boxed{}.')).toBeUndefined();
    expect(extractAnswer('\\boxedx{5}')).toBeUndefined();
  });

  it('falls back to "The answer is"', () => {
    expect(extractAnswer('The answer is 42.')).toBe('42');
    expect(extractAnswer('6 * 7 = 42\n\nThe answer is 42')).toBe('42');
    expect(extractAnswer('Therefore, the final answer is: $\\frac{1}{2}$.')).toBe('\\frac{1}{2}');
    expect(extractAnswer('THE ANSWER IS   -3')).toBe('-3');
    expect(extractAnswer('The answer is 3.5 dollars. Let me check.')).toBe('3.5 dollars');
    expect(extractAnswer('The answer is $2.50.')).toBe('2.50');
    expect(extractAnswer('The answer is **$12$**.')).toBe('12');
    expect(extractAnswer('The answer is 12.\nNo wait, the answer is 13.')).toBe('13');
    expect(extractAnswer('The answer is 12.\nthe answer is')).toBe('12');
  });

  it.each([
    ['So the answer is 7.', '7'],
    ['Therefore the answer is 7', '7'],
    ['Thus, the final answer is 7.', '7'],
    ['And so the answer is 7.', '7'],
    ['In conclusion, the answer is 7.', '7'],
    ['x = 5, so the answer is 5.', '5'],
    ['x = 5 so the answer is 5.', '5'],
    ['Since 6 * 7 = 42, the answer is 42.', '42'],
    ['No wait, the answer is 13.', '13'],
    ['6 * 7 = 42. The answer is 42.', '42'],
    ['6 * 7 = 42.The answer is 42.', '42'],
    ['We double-check: the answer is 42.', '42'],
    ['**Final Answer:** The final answer is $42$. I hope it is correct.', '42'],
    ['**The answer is 7**', '7'],
    ['- The answer is 7', '7'],
    ['> The answer is 7', '7'],
    ['1. The answer is 7', '7'],
    ['(b) The answer is 7', '7'],
  ])('reads "the answer is" that starts a sentence or concluding clause: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it.each([
    'Let us check whether the answer is reasonable by plugging in x = 3.',
    'Let us check whether the answer is 7 by plugging in x = 3.',
    'We find that the answer is 5.',
    'I think the answer is 5.',
    'also the answer is 5',
    'If x = 3, the answer is 9.',
    'If x = 3, then the answer is 9.',
    'Suppose the answer is 9.',
  ])('ignores "the answer is" in the middle of a clause or in a condition: %j', (text) => {
    expect(extractAnswer(text)).toBeUndefined();
  });

  it.each([
    ['The answer is 42, which matches the check.', '42'],
    ['The answer is 42; that is all.', '42'],
    ['The answer is 42 because 6 * 7 = 42.', '42'],
    ['The answer is 42 and it checks out.', '42'],
    ['The answer is 5 as expected.', '5'],
    ['The answer is 42,', '42'],
    ['Thus, the answer is: **42**', '42'],
    ['The answer is (2, 5).', '(2, 5)'],
    ['The answer is a=1, b=2.', 'a=1, b=2'],
    ['The answer is 1, 2, and 3.', '1, 2, and 3'],
    ['The answer is 3 hours and 20 minutes.', '3 hours and 20 minutes'],
    ['The answer is x^2 + 1.', 'x^2 + 1'],
    ['The answer is $\\frac{\\sqrt{3}}{2}$.', '\\frac{\\sqrt{3}}{2}'],
    ['The answer is 2\\pi.', '2\\pi'],
    ['The answer is 2ab.', '2ab'],
    ['The answer is \\text{(B)}.', '\\text{(B)}'],
    ['The answer is Tuesday.', 'Tuesday'],
    ['The answer is yes.', 'yes'],
    ['The answer is 1,000 dollars.', '1,000 dollars'],
    ['The answer is 5 million dollars.', '5 million dollars'],
    ['The answer is 42 cookies.', '42 cookies'],
  ])('cuts the answer at the end of its clause: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it.each([
    'So the answer is correct.',
    'The answer is wrong.',
    'The answer is not 5.',
    'The answer is approximately 3.14',
    'The answer is the sum of the two numbers, 42.',
    'The answer is obtained by 5x.',
    `The answer is ${'1 + '.repeat(30)}1.`,
  ])('gives no answer when what follows "the answer is" is prose, a verdict or too long: %j', (text) => {
    expect(extractAnswer(text)).toBeUndefined();
  });

  it('takes the last "the answer is" that gives an answer', () => {
    expect(extractAnswer('The answer is 42. Let us check whether the answer is reasonable by plugging in x = 3.')).toBe('42');
    expect(extractAnswer('So the answer is 42.\nCheck: the answer is correct.')).toBe('42');
  });

  it('reads up to the end of the line only', () => {
    expect(extractAnswer('The answer is 9\nwhich is odd')).toBe('9');
    expect(extractAnswer('The answer is\n42')).toBeUndefined();
  });

  it('falls back to a GSM8K "####" line last', () => {
    expect(extractAnswer('48 / 2 = 24\n#### 24')).toBe('24');
    expect(extractAnswer('#### 72')).toBe('72');
    expect(extractAnswer('#### 1\nThe answer is 2.')).toBe('2');
    expect(extractAnswer('Let us check whether the answer is reasonable.\n#### 72')).toBe('72');
    expect(extractAnswer('#### 72\nSo the answer is correct.')).toBe('72');
  });

  it('prefers a box whatever the "answer is" phrases around it say', () => {
    expect(extractAnswer('Let us check whether the answer is \\boxed{5}.')).toBe('5');
    expect(extractAnswer('$\\boxed{7}$. The answer is 42, which matches the check.')).toBe('7');
  });

  it('is undefined when there is no answer', () => {
    expect(extractAnswer('')).toBeUndefined();
    expect(extractAnswer('First, 6 * 7 = 42.')).toBeUndefined();
    expect(extractAnswer('An answer is needed here.')).toBeUndefined();
    expect(extractAnswer('The answer is $$.')).toBeUndefined();
  });

  it('stays fast on long junk', () => {
    const junk = '\\boxed{'.repeat(20_000) + 'the answer is\n'.repeat(5_000) + '#### \n'.repeat(5_000);
    // One line: how far each phrase looks around it must stay bounded.
    const line = 'So the answer is '.repeat(10_000) + 'whether the answer is 1 '.repeat(10_000);
    const started = performance.now();
    expect(extractAnswer(junk)).toBeUndefined();
    expect(extractAnswer(line)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
