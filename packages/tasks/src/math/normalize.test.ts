import { describe, expect, it } from 'vitest';
import { answersEquivalent } from './grader/grade.js';
import { MAX_NORMALIZED_LENGTH, normalizeAnswer } from './normalize.js';

describe('normalizeAnswer', () => {
  it.each([
    ['42', '42'],
    ['1,000', '1000'],
    ['1,234,567.5', '2469135/2'],
    ['1{,}000', '1000'],
    ['1\\,000', '1000'],
    ['1 000', '1000'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['007', '7'],
    ['+5', '5'],
    ['\u22123', '-3'],
    ['- 5', '-5'],
    ['0.5', '1/2'],
    ['0.50', '1/2'],
    ['.5', '1/2'],
    ['5.', '5'],
    ['18.00', '18'],
    ['2.25', '9/4'],
    ['-1.5', '-3/2'],
    ['3/4', '3/4'],
    ['6/8', '3/4'],
    ['-6/4', '-3/2'],
    ['\\frac{3}{4}', '3/4'],
    ['\\dfrac34', '3/4'],
    ['\\tfrac{3}{4}', '3/4'],
    ['\\frac{6}{8}', '3/4'],
    ['-\\frac{1}{2}', '-1/2'],
    ['\\frac{-1}{2}', '-1/2'],
    ['\\frac{1}{-2}', '-1/2'],
    ['\\frac{0.5}{2}', '1/4'],
    ['\\frac{ 1 }{ 2 }', '1/2'],
    ['\\frac{4}{2}', '2'],
    ['1 1/2', '3/2'],
    ['-2 1/4', '-9/4'],
    ['2 1/2', '5/2'],
    ['12 345', '12345'],
    ['1 000 000', '1000000'],
    ['\\frac{1\\,000}{3}', '1000/3'],
    // A space before a bare fraction starts a mixed number, never a thousands group: 12 + 345/678.
    ['12 345/678', '2827/226'],
    ['$\\frac{1}{2}$', '1/2'],
    ['\\(\\frac{1}{2}\\)', '1/2'],
    ['\\boxed{42}', '42'],
    ['$18', '18'],
    ['\\$18', '18'],
    ['\\$18.00', '18'],
    ['$1,000.00', '1000'],
    ['18 dollars', '18'],
    ['18 Dollars.', '18'],
    ['18\\text{ dollars}', '18'],
    ['18 \\mbox{dollars}', '18'],
    ['5 square feet', '5'],
    ['10\\text{ cm}^2', '10'],
    ['10 cm^2', '10'],
    ['60 km/h', '60'],
    ['15 dollars per hour', '15'],
    ['5 sq ft', '5'],
    ['3 cubic meters', '3'],
    ['5 m\u00b2', '5'],
    ['5 m', '5'],
    ['2.5 hours', '5/2'],
    ['2 1/2 hours', '5/2'],
    ['5 thousand', '5000'],
    ['5 Million.', '5000000'],
    ['1.5 million dollars', '1500000'],
    ['5 dozen', '60'],
    ['50%', '50'],
    ['50\\%', '50'],
    ['12.5%', '25/2'],
    ['50 percent', '50'],
    ['90^\\circ', '90'],
    ['90^{\\circ}', '90'],
    ['90\u00b0', '90'],
    ['x = 5', '5'],
    ['x=\\frac{5}{2}', '5/2'],
  ])('%j → %j', (answer, key) => {
    expect(normalizeAnswer(answer)).toBe(key);
  });

  it.each([
    ['x^2+1', 'x^2+1'],
    ['x^{2} + 1', 'x^2+1'],
    ['X^2 + 1', 'x^2+1'],
    ['(1,2)', '(1,2)'],
    ['(2, 5)', '(2,5)'],
    ['\\left( 2, 5 \\right)', '(2,5)'],
    ['5\\sqrt{2}', '5\\sqrt{2}'],
    ['5\\sqrt2', '5\\sqrt{2}'],
    ['\\sqrt[3]{2}', '\\sqrt[3]{2}'],
    ['\\dfrac{\\sqrt{3}}{2}', '\\frac{\\sqrt{3}}{2}'],
    ['\\frac\\pi2', '\\frac{\\pi}{2}'],
    ['\\text{(A)}', '(a)'],
    ['Tuesday.', 'tuesday'],
    ['\\infty', '\\infty'],
    ['3\\frac{1}{2}', '3\\frac{1}{2}'],
    ['1/0', '1/0'],
    ['1e3', '1e3'],
    ['5 x', '5x'],
    ['2 pi', '2pi'],
    ['1/2 pi', '1/2pi'],
    ['5 xy', '5xy'],
    ['5 squared', '5squared'],
    ['6 apples', '6'],
    ['6 red apples', '6'],
    ['5 squared apples', '5squaredapples'],
    ['3 times', '3times'],
    ['dozen', 'dozen'],
    // Two numbers stay two: one space between digits survives, so the key is no single number's.
    ['1 2', '1 2'],
    ['-1 2', '-1 2'],
    ['1  \\quad 2', '1 2'],
    ['1 1/1', '1 1/1'],
    ['2 3/2', '2 3/2'],
    ['1 000/3', '1 000/3'],
    ['y = 2x + 1', '2x+1'],
    ['a=1, b=2', 'a=1,b=2'],
    ['(-\\infty, 0]', '(-\\infty,0]'],
    ['\\{1, 2\\}', '\\{1,2\\}'],
    ['\\leftarrow', '\\leftarrow'],
  ])('keeps non-numeric %j as text %j', (answer, key) => {
    expect(normalizeAnswer(answer)).toBe(key);
  });

  it('gives "" for answers with nothing in them', () => {
    expect(normalizeAnswer('')).toBe('');
    expect(normalizeAnswer('  ')).toBe('');
    expect(normalizeAnswer('$$')).toBe('');
    expect(normalizeAnswer('\\boxed{}')).toBe('');
  });

  it('treats over-long literals and answers as text', () => {
    const digits = '9'.repeat(150);
    expect(normalizeAnswer(digits)).toBe(digits);
    const long = `${'x + '.repeat(MAX_NORMALIZED_LENGTH)}1`;
    expect(normalizeAnswer(long)).toBe(long.replace(/\s+/g, ''));
    expect(normalizeAnswer(`${'1 2 '.repeat(MAX_NORMALIZED_LENGTH)}X`)).toBe(`${'1 2 '.repeat(MAX_NORMALIZED_LENGTH).trim()}x`);
  });

  it('never throws, even on malformed LaTeX and deep nesting', () => {
    const junk = ['\\', '{', '}', '\\frac', '\\frac{1}', '\\sqrt[', '\\text', '{'.repeat(500) + '1' + '}'.repeat(500), '\\boxed{\\boxed{', '}}}{{{', '^', '\\left', '%$\\$'];
    for (const text of junk) expect(() => normalizeAnswer(text)).not.toThrow();
    expect(normalizeAnswer('\\frac{1}')).toBe('\\frac{1}');
  });

  it('is idempotent on its own output', () => {
    for (const answer of ['0.5', '-\\frac{1}{2}', '1,000', '18 dollars', 'x^{2} + 1', '\\dfrac{\\sqrt3}{2}', '(1, 2)', '5\\sqrt2', '1 2', '5 million', '2 pi']) {
      const key = normalizeAnswer(answer);
      expect(normalizeAnswer(key)).toBe(key);
    }
  });
});

describe('answersEquivalent', () => {
  it('equates spellings of one value', () => {
    const half = ['0.5', '\\frac{1}{2}', '1/2', '\\dfrac12', '\\tfrac{1}{2}', '.50', '$\\frac12$', '2/4'];
    for (const a of half) for (const b of half) expect(answersEquivalent(a, b)).toBe(true);
    expect(answersEquivalent('1,000', '1000')).toBe(true);
    expect(answersEquivalent('$18', '18')).toBe(true);
    expect(answersEquivalent('18 dollars', '18')).toBe(true);
    expect(answersEquivalent('-\\frac{1}{2}', '-0.5')).toBe(true);
    expect(answersEquivalent('x^{2}+1', 'x^2 + 1')).toBe(true);
  });

  it('tells different values apart', () => {
    expect(answersEquivalent('3', '4')).toBe(false);
    expect(answersEquivalent('1/2', '2')).toBe(false);
    expect(answersEquivalent('-1/2', '1/2')).toBe(false);
    expect(answersEquivalent('0.5', '50%')).toBe(false);
    expect(answersEquivalent('(1,2)', '(2,1)')).toBe(false);
    expect(answersEquivalent('1,2', '12')).toBe(false);
  });
});
