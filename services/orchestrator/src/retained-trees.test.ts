// Finished trees kept within a byte budget: oldest out first, too large never in, dropped ones known as expired.
import { describe, expect, it } from 'vitest';
import type { TreeView } from '@arbor/search';
import { defaultRetentionBytes, RetainedTrees } from './retained-trees.js';

const view = (bytes: number): TreeView => ({ size: 1, estimatedBytes: bytes, slice: () => [] });

describe('RetainedTrees', () => {
  it('drops the oldest trees once the kept ones are over the budget, and says they expired', () => {
    const kept = new RetainedTrees(1_000);
    kept.add('a', view(400));
    kept.add('b', view(400));
    kept.add('c', view(400));
    expect(kept.get('a')).toBeUndefined();
    expect(kept.expired('a')).toBe(true);
    expect(kept.get('b')?.estimatedBytes).toBe(400);
    expect(kept.get('c')?.estimatedBytes).toBe(400);
    expect(kept.bytes).toBe(800);
    expect(kept.expired('never')).toBe(false);
  });

  it('keeps no tree larger than the whole budget', () => {
    const kept = new RetainedTrees(1_000);
    kept.add('small', view(10));
    kept.add('huge', view(1_001));
    expect(kept.get('huge')).toBeUndefined();
    expect(kept.expired('huge')).toBe(true);
    expect(kept.get('small')).toBeDefined();
  });

  it('defaults to a quarter of the heap limit', () => {
    expect(defaultRetentionBytes()).toBeGreaterThan(10 * 2 ** 20);
  });
});

describe('RetainedTrees under pressure', () => {
  it('keeps within the room left by running searches when that is less than the budget', () => {
    const kept = new RetainedTrees(1_000);
    kept.add('a', view(300));
    kept.add('b', view(300));
    kept.add('c', view(300), 500);
    expect(kept.bytes).toBe(300);
    expect(kept.get('c')).toBeDefined();
    expect(kept.expired('a')).toBe(true);
    expect(kept.expired('b')).toBe(true);
    kept.add('d', view(300), 0);
    expect(kept.get('d')).toBeUndefined();
  });
});
