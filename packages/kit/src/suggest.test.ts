import { describe, expect, it } from 'vitest';
import { closestName, didYouMean } from './suggest.js';

describe('closestName', () => {
  it('finds a typo among the candidates, ignoring case', () => {
    expect(closestName('tagret', ['target'])).toBe('target');
    expect(closestName('REFRENCE', ['delimiter', 'reference'])).toBe('reference');
    expect(closestName('VOTE_MAJORTY', ['VOTE_UNSPECIFIED', 'VOTE_MAJORITY', 'VOTE_BEST'])).toBe('VOTE_MAJORITY');
  });

  it('suggests nothing for another word, or when there are no candidates', () => {
    expect(closestName('colour', ['delimiter', 'reference'])).toBeUndefined();
    expect(closestName('ab', ['xy'])).toBeUndefined();
    expect(closestName('target', [])).toBeUndefined();
  });

  it('allows 1 edit for names of 1 or 2 letters, 2 up to 8, 3 from 9', () => {
    expect(closestName('nn', ['n'])).toBe('n');
    expect(closestName('tgret', ['target'])).toBe('target'); // 2 edits, 5 letters
    expect(closestName('tarxyz', ['target'])).toBeUndefined(); // 3 edits, 6 letters
    expect(closestName('refrnece', ['reference'])).toBeUndefined(); // 3 edits, 8 letters
    expect(closestName('referencexyz', ['reference'])).toBe('reference'); // 3 edits, 12 letters
  });
});

describe('didYouMean', () => {
  it('says " (did you mean X?)" or nothing, formatting the name', () => {
    expect(didYouMean('tagret', ['target'])).toBe(' (did you mean target?)');
    expect(didYouMean('tagret', ['target'], (n) => `--${n}`)).toBe(' (did you mean --target?)');
    expect(didYouMean('colour', ['target'])).toBe('');
  });
});
