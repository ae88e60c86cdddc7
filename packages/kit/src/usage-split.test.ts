// splitUsage: shares in proportion to the weights, whole tokens, and parts that add up to the batch exactly.
import { describe, expect, it } from 'vitest';
import { ArborError } from './errors.js';
import { splitCachedTokens, splitUsage } from './usage-split.js';

const sum = (parts: { inputTokens: number; outputTokens: number }[]) => ({
  inputTokens: parts.reduce((a, p) => a + p.inputTokens, 0),
  outputTokens: parts.reduce((a, p) => a + p.outputTokens, 0),
});

describe('splitUsage', () => {
  it('splits in proportion to the weights', () => {
    expect(splitUsage({ inputTokens: 100, outputTokens: 10 }, [1, 3, 1])).toEqual([
      { inputTokens: 20, outputTokens: 2 },
      { inputTokens: 60, outputTokens: 6 },
      { inputTokens: 20, outputTokens: 2 },
    ]);
  });

  it('gives the left-over tokens to the largest remainders, earlier items first on a tie', () => {
    // 10 by 1:1:1 is 3.33 each: one unit left, to the first.
    expect(splitUsage({ inputTokens: 10, outputTokens: 0 }, [1, 1, 1]).map((p) => p.inputTokens)).toEqual([4, 3, 3]);
    // 10 by 1:2:2 is 2, 4, 4 exactly; 11 is 2.2, 4.4, 4.4: the unit goes to the second.
    expect(splitUsage({ inputTokens: 11, outputTokens: 0 }, [1, 2, 2]).map((p) => p.inputTokens)).toEqual([2, 5, 4]);
    // 7 by 0.5:0.3:0.2 is 3.5, 2.1, 1.4: floors 3+2+1 = 6, the unit to 3.5.
    expect(splitUsage({ inputTokens: 7, outputTokens: 0 }, [0.5, 0.3, 0.2]).map((p) => p.inputTokens)).toEqual([4, 2, 1]);
  });

  it('shares alike when every weight is 0, and gives a 0-weight item nothing otherwise', () => {
    expect(splitUsage({ inputTokens: 5, outputTokens: 2 }, [0, 0])).toEqual([
      { inputTokens: 3, outputTokens: 1 },
      { inputTokens: 2, outputTokens: 1 },
    ]);
    expect(splitUsage({ inputTokens: 5, outputTokens: 2 }, [0, 4])).toEqual([
      { inputTokens: 0, outputTokens: 0 },
      { inputTokens: 5, outputTokens: 2 },
    ]);
  });

  it('always sums to the whole', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    for (let trial = 0; trial < 500; trial++) {
      const usage = { inputTokens: Math.floor(random() * 1e6), outputTokens: Math.floor(random() * 1e4) };
      const weights = Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.2 ? 0 : random() * 1_000));
      const parts = splitUsage(usage, weights);
      expect(parts).toHaveLength(weights.length);
      expect(sum(parts)).toEqual(usage);
      for (const p of parts) expect(Number.isInteger(p.inputTokens) && p.inputTokens >= 0).toBe(true);
    }
  });

  it('reads unset counts (proto Usage) as 0, ignores other fields, and returns [] for no items', () => {
    expect(splitUsage({ outputTokens: 3, costUsd: 0.5, model: 'm' } as { outputTokens: number }, [1, 2])).toEqual([
      { inputTokens: 0, outputTokens: 1 },
      { inputTokens: 0, outputTokens: 2 },
    ]);
    expect(splitUsage({ inputTokens: 9, outputTokens: 9 }, [])).toEqual([]);
  });

  it('refuses a negative or non-finite weight', () => {
    expect(() => splitUsage({ inputTokens: 1, outputTokens: 1 }, [1, -1])).toThrow(ArborError);
    expect(() => splitUsage({ inputTokens: 1, outputTokens: 1 }, [Number.NaN])).toThrow(/weight 0 is NaN/);
  });
});

describe('splitCachedTokens', () => {
  it('splits cached tokens in proportion to the input parts, summing to the whole', () => {
    expect(splitCachedTokens(50, [20, 60, 20])).toEqual([10, 30, 10]);
    expect(splitCachedTokens(0, [20, 60, 20])).toEqual([0, 0, 0]);
    expect(splitCachedTokens(undefined, [3, 4])).toEqual([0, 0]);
  });

  it('never gives an item more cached tokens than input tokens, and never more in all than the input', () => {
    expect(splitCachedTokens(100, [20, 60, 20])).toEqual([20, 60, 20]);
    expect(splitCachedTokens(500, [1, 2])).toEqual([1, 2]);
    expect(splitCachedTokens(7, [0, 0])).toEqual([0, 0]);
    let seed = 11;
    const random = () => ((seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647);
    for (let trial = 0; trial < 500; trial++) {
      const input = Math.floor(random() * 10_000);
      const cached = Math.floor(random() * (input + 1));
      const weights = Array.from({ length: 1 + Math.floor(random() * 12) }, () => (random() < 0.2 ? 0 : random() * 1_000));
      const parts = splitUsage({ inputTokens: input, outputTokens: 0 }, weights).map((p) => p.inputTokens);
      const shares = splitCachedTokens(cached, parts);
      expect(shares.reduce((a, b) => a + b, 0)).toBe(cached);
      shares.forEach((share, i) => expect(Number.isInteger(share) && share >= 0 && share <= parts[i]!).toBe(true));
    }
  });
});
