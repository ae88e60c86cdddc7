import { describe, expect, it } from 'vitest';
import { estimateTokens } from './tokens.js';

describe('estimateTokens', () => {
  it('is ceil(UTF-8 bytes / 4)', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('13 - 9 = 4 (left: 4 4 10)')).toBe(7);
    expect(estimateTokens('×')).toBe(1);
    expect(estimateTokens('××××')).toBe(2);
  });
});
