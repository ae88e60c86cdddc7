// shareBatchUsage and sumShares: a batch's usage shared out by weight, and a response's shares summed back with
// each batch's compute time counted once.
import { describe, expect, it } from 'vitest';
import { shareBatchUsage, sumShares } from './batch-usage.js';

describe('shareBatchUsage', () => {
  it('splits tokens exactly and cost in proportion to the weights, and tags every share with the batch', () => {
    const shares = shareBatchUsage({ inputTokens: 100, outputTokens: 10, costUsd: 0.5, computeMs: 40, model: 'prm', estimated: true }, [1, 3, 1], 99);
    expect(shares.map((s) => [s.inputTokens, s.outputTokens])).toEqual([
      [20, 2],
      [60, 6],
      [20, 2],
    ]);
    expect(shares.map((s) => s.costUsd)).toEqual([0.1, 0.3, 0.1]);
    for (const share of shares) {
      expect(share).toMatchObject({ model: 'prm', estimated: true, computeMs: 40 });
      expect(share.batch).toBe(shares[0]?.batch);
    }
  });

  it('shares cached input tokens out with the input tokens, none above its share of them', () => {
    const shares = shareBatchUsage({ inputTokens: 100, outputTokens: 10, cachedInputTokens: 64 }, [1, 3, 1], 5);
    expect(shares.map((s) => [s.inputTokens, s.cachedInputTokens])).toEqual([
      [20, 13],
      [60, 38],
      [20, 13],
    ]);
    expect(shareBatchUsage({ inputTokens: 10, cachedInputTokens: 999 }, [1, 1], 5).map((s) => s.cachedInputTokens)).toEqual([5, 5]);
    expect(shareBatchUsage({ inputTokens: 10 }, [1, 1], 5).map((s) => s.cachedInputTokens)).toEqual([0, 0]);
  });

  it('reads cost and compute time sent as strings (proto int64 and double fields may arrive so)', () => {
    const [share] = shareBatchUsage({ inputTokens: 4, costUsd: '0.25', computeMs: '12' }, [1], 99);
    expect(share).toMatchObject({ costUsd: 0.25, computeMs: 12 });
  });

  it('stands the elapsed time in for compute time the backend did not report', () => {
    expect(shareBatchUsage({ inputTokens: 4 }, [1, 1], 7).map((s) => s.computeMs)).toEqual([7, 7]);
    expect(shareBatchUsage({ inputTokens: 4, computeMs: 0 }, [1], 7)[0]?.computeMs).toBe(7);
  });

  it('leaves unset fields at zero, empty and false; no cost when every weight is 0', () => {
    const shares = shareBatchUsage({ inputTokens: 3, costUsd: 1 }, [0, 0], 5);
    expect(shares.map((s) => s.inputTokens).reduce((a, b) => a + b, 0)).toBe(3);
    for (const share of shares) expect(share).toMatchObject({ outputTokens: 0, cachedInputTokens: 0, costUsd: 0, model: '', estimated: false });
  });

  it('gives each call a batch of its own', () => {
    const [a] = shareBatchUsage({}, [1], 1);
    const [b] = shareBatchUsage({}, [1], 1);
    expect(a?.batch).not.toBe(b?.batch);
  });
});

describe('sumShares', () => {
  it('adds tokens and cost, counts one call, and each batch compute time once', () => {
    const first = shareBatchUsage({ inputTokens: 10, outputTokens: 2, cachedInputTokens: 8, costUsd: 0.2, computeMs: 30, model: 'judge' }, [1, 1], 0);
    const second = shareBatchUsage({ inputTokens: 9, outputTokens: 3, cachedInputTokens: 6, costUsd: 0.3, computeMs: 50, model: 'judge', estimated: true }, [1, 2], 0);
    const usage = sumShares([first[0]!, first[1]!, second[1]!]);
    expect(usage).toMatchObject({ inputTokens: 16, outputTokens: 4, cachedInputTokens: 12, calls: 1, computeMs: 80, model: 'judge', estimated: true });
    expect(usage.costUsd).toBeCloseTo(0.4);
  });

  it('is an empty call for no shares', () => {
    expect(sumShares([])).toEqual({ inputTokens: 0, outputTokens: 0, calls: 1, costUsd: 0, computeMs: 0, model: '', estimated: false, cachedInputTokens: 0 });
  });
});
