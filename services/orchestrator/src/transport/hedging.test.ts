// When to hedge: not before enough replies were seen, at the recent p99 times the factor with a floor, and only
// within the share of calls the budget allows.
import { describe, expect, it } from 'vitest';
import { HedgePolicy } from './hedging.js';

describe('HedgePolicy', () => {
  it('waits for enough replies, then hedges at p99 x factor, never before the floor', () => {
    const policy = new HedgePolicy({ factor: 3, minDelayMs: 100, maxShare: 0.1, minSamples: 20 });
    for (let i = 0; i < 19; i++) policy.record(10);
    expect(policy.delayMs()).toBe(Number.POSITIVE_INFINITY);
    policy.record(10);
    expect(policy.delayMs()).toBe(100); // 3 x 10 ms is below the floor
    for (let i = 0; i < 256; i++) policy.record(i < 224 ? 50 : 400);
    // The window holds the last 256 replies, of which 32 took 400 ms: p99 is 400, so a reply later than 1.2 s is hedged.
    expect(policy.delayMs()).toBe(1_200);
  });

  it('keeps hedges within their share of calls after the initial burst', () => {
    const policy = new HedgePolicy({ factor: 3, minDelayMs: 100, maxShare: 0.1, minSamples: 1 });
    let hedged = 0;
    for (let i = 0; i < 1_000; i++) {
      policy.called();
      if (policy.tryHedge()) hedged++;
    }
    // A burst of 10 at first, then one per 10 calls.
    expect(hedged).toBeGreaterThanOrEqual(100);
    expect(hedged).toBeLessThanOrEqual(110);
  });

  it('never hedges with a share of 0', () => {
    const policy = new HedgePolicy({ factor: 3, minDelayMs: 100, maxShare: 0, minSamples: 1 });
    let hedged = 0;
    for (let i = 0; i < 100; i++) {
      policy.called();
      if (policy.tryHedge()) hedged++;
    }
    expect(hedged).toBe(0);
  });
});
