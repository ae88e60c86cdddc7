// The answer pairs that decide verdicts and votes, both ways: a false "equal" rewards a wrong answer, a false
// "different" punishes a right one.
import { describe, expect, it } from 'vitest';
import { answersEquivalent } from './grader/grade.js';

describe('answersEquivalent table', () => {
  it.each([
    ['3.5', '7/2'],
    ['2 1/2', '5/2'],
    ['-2 1/4', '-9/4'],
    ['$18', '18'],
    ['18 dollars', '18'],
    ['\\$18.00', '18'],
    ['50\\%', '50'],
    ['10 cm', '10'],
    ['x = 5', '5'],
    // What a number counts, as GSM8K answers are written: plain words of three letters or more.
    ['6 apples', '6'],
    ['6 red apples', '6'],
    ['42 cookies', '42'],
    ['1,000', '1000'],
    ['1 000', '1000'],
    ['12 345', '12345'],
    ['- 5', '-5'],
    ['-\\frac{1}{2}', '-0.5'],
    ['\\frac{1}{-2}', '-1/2'],
    ['5 square feet', '5'],
    ['10\\text{ cm}^2', '10'],
    ['60 km/h', '60'],
    ['2 1/2 hours', '2.5'],
    ['5 thousand', '5000'],
    ['5 million', '5,000,000'],
    ['1.5 million dollars', '1500000'],
    ['5 dozen', '60'],
    ['12 345/678', '2827/226'],
    ['\\frac{1\\,000}{3}', '1000/3'],
  ])('%j ≡ %j', (a, b) => {
    expect(answersEquivalent(a, b)).toBe(true);
    expect(answersEquivalent(b, a)).toBe(true);
  });

  it.each([
    // Words that are not units change the answer.
    ['2 pi', '2'],
    ['1/2 pi', '1/2'],
    ['5 xy', '5'],
    ['3 ab', '3'],
    ['5 thousand', '5'],
    ['5 million', '5'],
    ['5 squared', '5'],
    ['5 cubed', '5'],
    ['5 dozen', '5'],
    ['\\frac{1}{2}x', '1/2'],
    // Short words after a number are variables or constants, not what it counts.
    ['5 ab', '5'],
    ['5 squared apples', '5'],
    // Two numbers never merge into one.
    ['1 2', '12'],
    ['2 3', '23'],
    ['-1 2', '-12'],
    ['1 1/1', '11'],
    ['1 1/1', '2'],
    ['2 3/2', '7/2'],
    ['1,2', '12'],
    // A space before a bare fraction is not a thousands separator.
    ['12 345/678', '12345/678'],
    ['1 000/3', '1000/3'],
    // Different values.
    ['1,000', '1.000'],
    ['0.333', '1/3'],
    ['0.5', '50%'],
    ['-1/2', '1/2'],
    ['(1,2)', '(2,1)'],
  ])('%j ≢ %j', (a, b) => {
    expect(answersEquivalent(a, b)).toBe(false);
    expect(answersEquivalent(b, a)).toBe(false);
  });
});
