import { describe, expect, it } from 'vitest';
import { formatRational, parseRational, rational } from './rational.js';
import { formatState } from './state.js';
import { claimedLeft, formatStep, parseStep } from './step.js';

function show(text: string): string | null {
  const s = parseStep(text);
  if (s === null) return null;
  const left = s.left === null ? 'none' : formatState(s.left);
  return `${formatRational(s.a)} ${s.op} ${formatRational(s.b)} = ${formatRational(s.result)} | ${left}`;
}

describe('rationals', () => {
  it('parses and prints integers, fractions and negatives', () => {
    expect(['7', '-3', '1/5', '-3/2', '2/4', '0'].map((t) => formatRational(parseRational(t) ?? rational(999)))).toEqual([
      '7',
      '-3',
      '1/5',
      '-3/2',
      '1/2',
      '0',
    ]);
    expect(['', '1/0', '1.5', '--1', '+3', '1 /2', '9'.repeat(61)].map(parseRational)).toEqual([null, null, null, null, null, null, null]);
  });
});

describe('parseStep', () => {
  it('reads the Tree-of-Thoughts format', () => {
    expect(show('13 - 9 = 4 (left: 4 4 10)')).toBe('13 - 9 = 4 | 4 4 10');
    expect(show('  4*6=24 (left:24).')).toBe('4 * 6 = 24 | 24');
  });

  it('reads fractions and negative operands', () => {
    expect(show('5 - 1/5 = 24/5 (left: 5 24/5)')).toBe('5 - 1/5 = 24/5 | 24/5 5');
    expect(show('8 / 8/3 = 3 (left: 3)')).toBe('8 / 8/3 = 3 | 3');
    expect(show('4 - -3/2 = 11/2 (left: 11/2)')).toBe('4 - -3/2 = 11/2 | 11/2');
  });

  it('reads x, × and ÷ as operators', () => {
    expect(show('3 × 8 = 24 (left: 24)')).toBe('3 * 8 = 24 | 24');
    expect(show('3 x 8 = 24 (left: 24)')).toBe('3 * 8 = 24 | 24');
    expect(show('12 ÷ 4 = 3 (left: 3 8)')).toBe('12 / 4 = 3 | 3 8');
  });

  it('sorts the left list and accepts it missing', () => {
    expect(show('1 + 2 = 3 (left: 10 3 4)')).toBe('1 + 2 = 3 | 3 4 10');
    expect(show('1 + 2 = 3')).toBe('1 + 2 = 3 | none');
  });

  it.each(['', 'hello', '1 + = 3 (left: 3)', '1 + 2 = (left: 3)', '1 ^ 2 = 1 (left: 1)', '1 + 2 = 3 (left: )', '1 + 2 = 3 (left: a)', '1/0 + 2 = 3 (left: 3)'])(
    'rejects %j',
    (text) => {
      expect(parseStep(text)).toBeNull();
    },
  );

  it('extracts a left list from an otherwise garbled step', () => {
    expect(formatState(claimedLeft('I think 4 and 6 (left: 24)') ?? [])).toBe('24');
    expect(claimedLeft('no list')).toBeNull();
  });
});

describe('formatStep', () => {
  it('prints ascending left lists and canonical rationals', () => {
    const left = [rational(-3, 2), rational(1, 5), rational(10)];
    expect(formatStep(rational(1), '/', rational(5), rational(1, 5), left)).toBe('1 / 5 = 1/5 (left: -3/2 1/5 10)');
  });
});
