import { describe, expect, it } from 'vitest';
import { aggregateRewards, trajectoryScore, unitInterval } from './aggregate.js';

describe('aggregateRewards', () => {
  // Powers of two keep every product exact in binary floating point.
  const rewards = [0.5, 0.25, 0.75];

  it('last takes the final step', () => {
    expect(aggregateRewards(rewards, 'last')).toBe(0.75);
  });

  it('min takes the weakest step', () => {
    expect(aggregateRewards(rewards, 'min')).toBe(0.25);
  });

  it('product multiplies all steps', () => {
    expect(aggregateRewards(rewards, 'product')).toBe(0.09375);
  });

  it('scores an empty trajectory 0 whatever the rule', () => {
    expect(aggregateRewards([], 'last')).toBe(0);
    expect(aggregateRewards([], 'min')).toBe(0);
    expect(aggregateRewards([], 'product')).toBe(0);
  });
});

describe('trajectoryScore', () => {
  it('prefers the outcome reward when present', () => {
    expect(trajectoryScore({ stepRewards: [0.5, 0.25], outcome: 1 }, 'min')).toBe(1);
    expect(trajectoryScore({ stepRewards: [0.5, 0.25], outcome: 0 }, 'last')).toBe(0);
  });

  it('falls back to the aggregated process reward', () => {
    expect(trajectoryScore({ stepRewards: [0.5, 0.25] }, 'product')).toBe(0.125);
  });
});

describe('unitInterval', () => {
  it('clamps into [0, 1] and maps NaN to 0', () => {
    expect(unitInterval(1.5)).toBe(1);
    expect(unitInterval(-0.1)).toBe(0);
    expect(unitInterval(Number.NaN)).toBe(0);
    expect(unitInterval(0.3)).toBe(0.3);
  });
});
