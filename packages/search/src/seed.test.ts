import { describe, expect, it } from 'vitest';
import { CALL_PURPOSE, deriveSeed, hashInts } from './seed.js';

describe('deriveSeed', () => {
  it('is a pure function of its inputs', () => {
    expect(deriveSeed(7, 12, CALL_PURPOSE.expand)).toBe(deriveSeed(7, 12, CALL_PURPOSE.expand));
    expect(hashInts([1, 2, 3])).toBe(hashInts([1, 2, 3]));
  });

  it('gives distinct uint32 seeds across nodes, purposes, indices and search seeds', () => {
    const seeds = new Set<number>();
    for (const search of [0, 1, 7]) {
      for (let node = 0; node < 100; node++) {
        seeds.add(deriveSeed(search, node, CALL_PURPOSE.expand));
        for (let index = 0; index < 4; index++) seeds.add(deriveSeed(search, node, CALL_PURPOSE.rollout, index));
      }
    }
    expect(seeds.size).toBe(3 * 100 * 5);
    for (const s of seeds) {
      expect(Number.isInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThan(2 ** 32);
    }
  });

  it('uses the bits of the search seed above 32', () => {
    expect(deriveSeed(1, 0, CALL_PURPOSE.expand)).not.toBe(deriveSeed(1 + 2 ** 32, 0, CALL_PURPOSE.expand));
  });

  it('depends on the order of hashed parts', () => {
    expect(hashInts([1, 2])).not.toBe(hashInts([2, 1]));
  });
});
