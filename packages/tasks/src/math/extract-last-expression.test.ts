import { describe, expect, it } from 'vitest';
import { lastExpression } from './extract-last-expression.js';

describe('lastExpression', () => {
  it.each([
    ['The tank holds 64.', '64'],
    ['We find x = -3/4.', '-3/4'],
    ['Then 15 - 6 = 9 remain.', '9'],
    ['Their ages add to 2 × 11 = 22 years', '22'],
    ['The width is 2.75 m, the length 4.', '4'],
    ['It is .5 of the whole.', '.5'],
    ['The prize was \\$1,200.', '1,200'],
    ['He paid $30 for it.', '30'],
    ['A drop of −4 degrees.', '−4'],
    ['f(3) = 10', '10'],
    ['Speed = 60 km per hour.', '60'],
    ['Done: 25%', '25%'],
    ['Earlier 5 things.\nNow 6 things.', '6'],
    ['The count is 17.\n\nI hope this helps!', '17'],
    ['Sum: 8. **Done.**', '8'],
  ])('%j → %j', (text, answer) => {
    expect(lastExpression(text)).toBe(answer);
  });

  it.each([
    ['no number', 'The shape is a square.'],
    ['no number in the last two sentences', 'It is 4. We check. We are done.'],
    ['a number glued to a variable', 'The result is 4y.'],
    ['a unit glued to a number', 'It is 12cm long.'],
    ['an exponent', 'It equals 3^4.'],
    ['a subscript', 'Take a_2.'],
    ['a fraction in LaTeX', 'It is \\frac{3}{4}.'],
    ['an equation still to solve', 'So 5n = 35.'],
    ['an operand that is not a number', 'So y + 3 = 10.'],
    ['a difference with a variable', 'It is k - 2.'],
    ['an inequality', 'So t >= 4.'],
    ['a negation', 'It cannot be 6, it is not 6.'],
    ['a comparison', 'It is fewer than 6.'],
    ['a list', 'The primes are 2, 3, 5 and 7.'],
    ['a list with "or"', 'It is 4 or 5.'],
    ['a tuple', 'The center is (0, 4).'],
    ['a ratio', 'Mix them 2:3.'],
    ['a thousands group that is not one', 'The code is 1,2345.'],
    ['a sentence about the answer', 'I think the answer is 5.'],
  ])('gives nothing for %s: %j', (_, text) => {
    expect(lastExpression(text)).toBeUndefined();
  });
});
