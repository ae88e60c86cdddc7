import { describe, expect, it } from 'vitest';
import { dropCountedNoun, dropUnit, SCALE_WORDS, splitScale, UNIT_WORDS } from './units.js';

const isNumber = (head: string): boolean => /^-?\d+(?:\.\d+)?$/.test(head);

describe('dropUnit', () => {
  it.each([
    ['18 dollars', '18'],
    ['5 square feet', '5'],
    ['5 sq ft', '5'],
    ['10 cm ^2', '10'],
    ['10 cm^{2}', '10'],
    ['60 km/h', '60'],
    ['60 km / h', '60'],
    ['15 dollars per hour', '15'],
    ['3 miles per hour', '3'],
    ['2.5 hours', '2.5'],
    ['90 degrees', '90'],
    ['50 percent', '50'],
  ])('drops the unit of %j → %j', (s, head) => {
    expect(dropUnit(s, isNumber)).toBe(head);
  });

  it.each(['2 pi', '5 xy', '5 squared', '6 apples', '5 million', 'x cm', 'dollars', '5 per', '5 square', '5 kg^2 m'])(
    'keeps %j, which has no listed unit after a number',
    (s) => {
      expect(dropUnit(s, isNumber)).toBe(s);
    },
  );
});

describe('splitScale', () => {
  it('splits off a trailing scale word with its factor', () => {
    expect(splitScale('5 million')).toEqual(['5', 1_000_000n]);
    expect(splitScale('1 1/2 dozen')).toEqual(['1 1/2', 12n]);
    expect(splitScale('3 thousand')).toEqual(['3', 1000n]);
    expect(splitScale('5 squared')).toBeNull();
    expect(splitScale('million')).toBeNull();
    expect(splitScale(' million')).toBeNull();
  });
});

describe('word lists', () => {
  it('are lowercase and disjoint', () => {
    for (const word of [...UNIT_WORDS, ...SCALE_WORDS]) expect(word).toBe(word.toLowerCase());
    expect([...SCALE_WORDS].filter((w) => UNIT_WORDS.has(w))).toEqual([]);
  });
});

describe('dropCountedNoun', () => {
  it.each([
    ['6 apples', '6'],
    ['6 red apples', '6'],
    ['12 big red apples', '12'],
  ])('drops what %j counts → %j', (s, head) => {
    expect(dropCountedNoun(s, isNumber)).toBe(head);
  });

  it.each(['2 pi', '5 xy', '5 squared', '5 million', '3 times', 'x apples', '6 very big red apples', '6 apples2'])('keeps %j', (s) => {
    expect(dropCountedNoun(s, isNumber)).toBe(s);
  });
});
