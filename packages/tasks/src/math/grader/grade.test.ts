// The grader's verdicts, both ways, for every kind of answer it reads: a false "equal" rewards a wrong answer (the
// one thing it must never do), a false "different" punishes a right one. Then properties over generated numbers,
// sets and tuples, and the time limit on a pathological input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { answersEquivalent, gradeAnswer } from './grade.js';

/** Each pair must be judged the same answer, in either order. */
const EQUIVALENT: Record<string, Array<[string, string]>> = {
  'LaTeX forms': [
    ['\\left( \\frac{1}{3} \\right)', '\\frac13'],
    ['\\dfrac{3}{4}', '0.75'],
    ['(3, \\frac{\\pi}{2})', '\\left(3, \\frac{\\pi}{2}\\right)'],
    ['(3, \\frac{\\pi}{2})', '(3, 1.5707963)'],
    ['(\\frac{3}{5}, \\frac{8}{3}]', '(0.6, \\frac{16}{6}]'],
    ['[-2, \\infty)', '\\left[-2, \\infty\\right)'],
    ['(-\\infty, 3) \\cup (5, \\infty)', '(5, \\infty) \\cup (-\\infty, 3)'],
    ['\\text{(C)}', '\\text{C}'],
    ['(C)', 'C'],
    ['\\textbf{(B)}', 'B'],
    ['\\{1, 3\\}', '\\{3, 1\\}'],
    // Solutions listed without brackets are a set.
    ['2, 3', '3, 2'],
    ['\\{1, 2\\}', '2, 1'],
    ['-\\frac{1}{2}, 4', '4, -0.5'],
    ['\\{-1, \\frac{1}{2}, 4\\}', '\\{4, 0.5, -1\\}'],
    ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}'],
    ['\\begin{pmatrix} \\frac{1}{2} \\\\ -3 \\end{pmatrix}', '\\begin{pmatrix} 0.5 \\\\ -3 \\end{pmatrix}'],
    ['\\begin{array}{cc} 1 & 0 \\\\ 0 & 1 \\end{array}', '\\begin{pmatrix} 1 & 0 \\\\ 0 & 1 \\end{pmatrix}'],
    ['\\sqrt{8}', '2\\sqrt{2}'],
    ['\\sqrt{2}/2', '\\frac{1}{\\sqrt{2}}'],
    ['2\\pi', '\\pi \\cdot 2'],
    ['\\frac{\\pi}{4}', '0.785398163'],
    ['50\\%', '50'],
    ['12.5%', '12.5'],
    ['30^\\circ', '30'],
    ['\\$18.00', '18'],
    ['$\\frac{7}{2}$', '3.5'],
    ['\\boxed{\\frac{1}{2}}', '0.5'],
    ['5\\text{ cm}', '5'],
  ],
  relations: [
    ['x \\geq 5', 'x >= 5'],
    ['x \\geq 5', '5 \\leq x'],
    ['x > 5', '5 < x'],
    ['x \\neq 3', 'x != 3'],
    ['-1 < x < 3', '-1 < x < 3'],
    ['x = 5+5+1 = 11', '11'],
    ['x = 5+5+1 = 11', 'x = 11'],
    ['y = 7', '7'],
    ['x \\approx 3.14', '3.14'],
    ['2x + 4y - 3 = 0', 'y = -\\frac{1}{2}x + \\frac{3}{4}'],
    ['y = 2x + 1', '2x - y + 1 = 0'],
    ['2x + 4y - 3 < 0', 'y < -\\frac{1}{2}x + \\frac{3}{4}'],
    ['f(x) = x^2', 'x^2'],
    ['(p, q) = (3, 2)', '(3, 2)'],
    // A condition on one variable is the set of values it allows.
    ['x \\in [-2, 7]', '[-2, 7]'],
    ['-2 \\le x \\le 7', 'x \\in [-2, 7]'],
    ['-2 < x \\le 7', '(-2, 7]'],
    ['x > 5', '(5, \\infty)'],
    ['x \\leq 3', '(-\\infty, 3]'],
    ['0 < f(x) < 1', '(0, 1)'],
  ],
  numbers: [
    ['\\frac{1}{12}', '0.0833333333333333'],
    ['\\frac{1}{3}', '0.3333333'],
    ['(1, \\frac{9}{2})', '(1, 4.5)'],
    ['1,000.99€', '1000.99'],
    ['1 000', '1000'],
    ['10,455', '10455'],
    ['32,\\!349', '32349'],
    ['11,\\!111,\\!111,\\!100', '11111111100'],
    ['-\\frac{1}{2}', '-0.5'],
    ['0.50', '\\frac{1}{2}'],
    ['1.5 \\times 10^{3}', '1500'],
    ['2^{10}', '1024'],
    ['\\binom{5}{2}', '10'],
    ['3\\frac{1}{2}', '\\frac{7}{2}'],
  ],
  symbolic: [
    ['\\frac{x+2}{7}', '\\frac{x}{7}+\\frac{2}{7}'],
    ['\\tan^2(y)+1', '\\sec^2(y)'],
    ['x^2 - 1', '(x-1)(x+1)'],
    ['\\sin^2 x + \\cos^2 x', '1'],
    ['2\\sin(x)\\cos(x)', '\\sin(2x)'],
    ['e^{2\\ln x}', 'x^2'],
    ['\\frac{a}{b} + \\frac{c}{b}', '\\frac{a+c}{b}'],
    ['0.5x', '\\frac{x}{2}'],
  ],
};

/** Each pair must be judged different answers, in either order. */
const DIFFERENT: Record<string, Array<[string, string]>> = {
  'ambiguous commas': [
    // A comma and a space separate a pair: never thousands.
    ['32, 349', '32349'],
    ['\\boxed{32, 349}', '32349'],
    // Thousands only when the other side is one number: against a pair, "1,000" is not read at all.
    ['1,000', '(1, 0)'],
    ['1,000', '1, 0'],
    ['32,349', '(32, 349)'],
    ['32,\\!349', '(32, 349)'],
    // A decimal comma is never read: 3,5 may be the pair (3, 5).
    ['3,5', '3.5'],
    ['0,5', '\\frac{1}{2}'],
  ],
  'LaTeX forms': [
    ['(1, 3)', '(3, 1)'],
    ['(1, 3)', '3, 1'],
    ['2, 3', '2, 3, 4'],
    ['(1, 2)', '2, 1'],
    ['(1, 2)', '[1, 2]'],
    ['(1, 2]', '(1, 2)'],
    ['[1, 2)', '[1, 2]'],
    ['\\{1, 3\\}', '\\{1, 3, 4\\}'],
    ['\\{1, 3\\}', '(1, 3)'],
    ['\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}', '\\begin{pmatrix} 1 & 3 \\\\ 2 & 4 \\end{pmatrix}'],
    // A row break followed by a space is still a row break: these vectors are not the numbers 2-1 and 3-2.
    ['\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}', '\\begin{pmatrix} 3 \\\\ -2 \\end{pmatrix}'],
    ['\\begin{pmatrix} 2 \\\\ -1 \\end{pmatrix}', '1'],
    ['\\text{(C)}', '\\text{D}'],
    ['\\sqrt{8}', '2\\sqrt{3}'],
    ['50\\%', '0.5'],
    ['\\pi', '3.14'],
    ['\\frac{\\pi}{4}', '0.7854'],
  ],
  relations: [
    ['x > 5', 'x \\geq 5'],
    ['x < 5', 'x > 5'],
    ['x \\neq 3', 'x = 3'],
    ['x = 5', '6'],
    ['x = 5+5+1 = 11', 'x = 12'],
    ['x = 11', 'y = 11'],
    ['2x + 4y - 3 < 0', '-2x - 4y + 3 < 0'],
    ['2x + 4y - 3 = 0', '2x + 4y + 3 = 0'],
    ['x \\geq 5', '5'],
    // An equation is not its right side unless its left side names what it gives.
    ['7 = 11a + c', '11a + c'],
    ['a + 3z = 0', '0'],
    ['2x + z = 1', '1'],
    ['(p, 1) = (3, 1)', '(3, 1)'],
    ['(p, q) = (3, 2)', '(2, 3)'],
    ['x > 5', '[5, \\infty)'],
    ['-2 < x \\le 7', '[-2, 7]'],
    ['x \\in [-2, 7]', '[-2, 8]'],
    ['x > 5', '(5, 10)'],
    ['y > 5', 'x \\in (5, \\infty)'],
  ],
  numbers: [
    ['2.0000001', '2'],
    ['1000000.5', '1000000'],
    ['0.0833', '\\frac{1}{12}'],
    ['0.333', '\\frac{1}{3}'],
    ['-\\frac{1}{2}', '\\frac{1}{2}'],
    ['1 2', '12'],
    ['1 000/3', '1000/3'],
    ['10^{10}', '10^{11}'],
    ['32349', '(32, 349)'],
  ],
  symbolic: [
    ['x + 1', 'y + 1'],
    ['\\sqrt{x^2}', 'x'],
    ['|x|', 'x'],
    ['\\frac{x+2}{7}', '\\frac{x}{7}+2'],
    ['\\tan^2(y)', '\\sec^2(y)'],
    ['x^2', '2x'],
    ['\\ln(x^2)', '2\\ln(x)'],
  ],
  'large and tiny values': [
    ['2^{2024}', '2^{2023}'],
    ['2^{2023}-1', '2^{2023}+1'],
    ['2^{2024}', '\\infty'],
    ['10^{400}', '2\\cdot 10^{400}'],
    ['1000!', '1001!'],
    ['\\frac{1}{2^{2023}}', '0'],
    ['\\frac{1}{2^{2023}}', '\\frac{1}{2^{2024}}'],
    ['2^{64}', '18446744073709551615'],
    ['10^{20}', '10^{20}+1'],
    ['20!', '2432902008176640001'],
    ['\\binom{50}{25}', '\\binom{50}{25}+1'],
    ['\\frac{1}{0}', '\\frac{2}{0}'],
    ['e^{-1000}', 'e^{-2000}'],
    ['3333333.30', '\\frac{10^7}{3}'],
  ],
  'decimals to the digits they show': [
    ['3333334.0', '\\frac{10^7}{3}'],
    ['285714.5', '\\frac{2000000}{7}'],
    ['0.5000001', '\\cos\\frac{\\pi}{3}'],
    ['0.2500001', '2^{-2}'],
    ['1.00000000000000001', '\\sqrt{1}'],
    ['0.0000000000000000001', '\\sin 0'],
    ['0.999...', '0.999'],
  ],
  'names and letters': [
    ['X', 'x'],
    ['2XY', '2xy'],
    ['2X+1', '2x+1'],
    ['\\Delta', '\\delta'],
    ['x = 2', 'y = 2'],
    ['y = 2x + 3', 'x = 2x + 3'],
    ['ABC', 'CBA'],
    ['dog', 'god'],
    ['y = 2, x = 3', '(2, 3)'],
    ['x = 3, y = 2', '2, 3'],
    ['x := 5', '5'],
  ],
  'words and units': [
    ['5\\text{ squared}', '5'],
    ['\\sqrt{2}\\text{ million}', '\\sqrt{2}'],
    ['5 thousandths', '5'],
    ['2 thirds', '2'],
    ['3 thousands', '3'],
    ['2 below zero', '2'],
    ['5 cm', '5 m'],
    ['5 minutes', '5 hours'],
  ],
  'random points': [
    ['\\max(x, 3)', '3'],
    ['\\min(x, 10)', 'x'],
    ['\\lfloor x/10 \\rfloor', '\\lfloor x/20 \\rfloor'],
    ['x^{1000000}', 'x^{1000001}'],
    ['x + 10^{-10}', 'x'],
    ['e^{-1000x^2}', '0'],
    ['x < 1 \\text{ and } x > 2', '(2, 1)'],
  ],
  'text and empty': [
    ['', '5'],
    ['5', ''],
    ['\\text{Monday}', '\\text{Tuesday}'],
    ['\\frac{1}{', '\\frac{1}{2}'],
  ],
};

describe('gradeAnswer: equivalent answers', () => {
  for (const [kind, pairs] of Object.entries(EQUIVALENT)) {
    it.each(pairs)(`${kind}: %j ≡ %j`, (a, b) => {
      expect(gradeAnswer(a, b)).toMatchObject({ equivalent: true });
      expect(gradeAnswer(b, a)).toMatchObject({ equivalent: true });
    });
  }
});

describe('gradeAnswer: different answers', () => {
  for (const [kind, pairs] of Object.entries(DIFFERENT)) {
    it.each(pairs)(`${kind}: %j ≢ %j`, (a, b) => {
      expect(gradeAnswer(a, b).equivalent).toBe(false);
      expect(gradeAnswer(b, a).equivalent).toBe(false);
    });
  }
});

describe('gradeAnswer: no state carried between gradings', () => {
  it('refuses an assignment, which would give the variable a value for every later grading', () => {
    expect(gradeAnswer('5', 'x := 5').equivalent).toBe(false);
    expect(gradeAnswer('3', 'y \\coloneqq 3').equivalent).toBe(false);
    expect(gradeAnswer('x', '5').equivalent).toBe(false);
    expect(gradeAnswer('x^2+1', '26').equivalent).toBe(false);
    expect(gradeAnswer('y', '3').equivalent).toBe(false);
  });
});

describe('gradeAnswer: reasons', () => {
  it('says how it decided', () => {
    expect(gradeAnswer('0.5', '\\frac{1}{2}')).toEqual({ equivalent: true, reason: 'same-form' });
    expect(gradeAnswer('\\tan^2(y)+1', '\\sec^2(y)')).toEqual({ equivalent: true, reason: 'equivalent' });
    expect(gradeAnswer('x+1', 'x+2')).toEqual({ equivalent: false, reason: 'different' });
    expect(gradeAnswer('', '1')).toEqual({ equivalent: false, reason: 'empty' });
    expect(gradeAnswer('\\frac{1}{', '\\frac{1}{2}')).toEqual({ equivalent: false, reason: 'unreadable' });
    expect(gradeAnswer('x'.repeat(2_000), 'x')).toEqual({ equivalent: false, reason: 'unreadable' });
  });
});

describe('gradeAnswer: time limit', () => {
  // A triple sum of 10^12 terms: the engine would work for days. The limit must stop it and answer "different".
  const pathological = '\\sum_{n=1}^{9999}\\sum_{m=1}^{9999}\\sum_{k=1}^{9999} nmk';
  // Literal powers too large to compute at all are refused before the engine sees them.
  const huge = [
    '9^{9^{9}}+1',
    '\\sqrt{2^{10^{7}}+1}',
    '10^{100000}',
    '123456!',
    '2^{(123456789)}',
    '10^{1000\\cdot 1000}',
    '2^{\\frac{200000000}{2}}',
    '(10000)!',
    '(9!)!',
    '\\left(10^{9999}\\right)^{9999}',
  ];

  it('answers "not equivalent" with reason timeout, and grades normally afterwards', () => {
    expect(gradeAnswer(pathological, '5', { timeoutMs: 50 })).toEqual({ equivalent: false, reason: 'timeout' });
    // A timeout is not remembered: the same pair is tried again, and still times out.
    expect(gradeAnswer(pathological, '5', { timeoutMs: 50 })).toEqual({ equivalent: false, reason: 'timeout' });
    expect(gradeAnswer('\\tan^2(y)+1', '\\sec^2(y)')).toEqual({ equivalent: true, reason: 'equivalent' });
  });

  it.each(huge)('refuses %j before computing it', (answer) => {
    expect(gradeAnswer(answer, '3')).toEqual({ equivalent: false, reason: 'unreadable' });
    expect(gradeAnswer(answer, `${answer} + 1`).equivalent).toBe(false);
  });
});

describe('gradeAnswer: properties', () => {
  const fraction = fc.record({ n: fc.integer({ min: -10_000, max: 10_000 }), d: fc.integer({ min: 1, max: 400 }) });

  it('a number equals its own fraction, LaTeX fraction and decimal forms', () => {
    fc.assert(
      fc.property(fraction, ({ n, d }) => {
        const decimal = (n / d).toPrecision(15);
        const forms = [`${n}/${d}`, `\\frac{${n}}{${d}}`, n < 0 ? `-\\frac{${-n}}{${d}}` : `\\dfrac{${n}}{${d}}`, decimal];
        for (const form of forms) expect(answersEquivalent(form, `\\frac{${n}}{${d}}`)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a number never equals a different number, in any of those forms', () => {
    fc.assert(
      fc.property(fraction, fc.integer({ min: 1, max: 1_000 }), ({ n, d }, shift) => {
        const other = `\\frac{${n + shift}}{${d}}`;
        expect(answersEquivalent(`\\frac{${n}}{${d}}`, other)).toBe(false);
        expect(answersEquivalent((n / d).toPrecision(15), other)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('reordering a set changes nothing; reordering a tuple of distinct items does', () => {
    const items = fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 6 });
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 5 }), (values, by) => {
        const turned = [...values.slice(by % values.length), ...values.slice(0, by % values.length)];
        if (turned.every((v, i) => v === values[i])) return;
        expect(answersEquivalent(`\\{${values.join(', ')}\\}`, `\\{${turned.join(', ')}\\}`)).toBe(true);
        expect(answersEquivalent(`(${values.join(', ')})`, `(${turned.join(', ')})`)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
