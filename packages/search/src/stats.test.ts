// UsageLedger: what each service's replies consumed, summed per service and in total, cached input tokens included.
import { describe, expect, it } from 'vitest';
import { UsageLedger } from './stats.js';

const tree = { size: 3, maxDepth: 2 };

describe('UsageLedger', () => {
  it('sums cached input tokens per service and in total', () => {
    const ledger = new UsageLedger();
    ledger.received('policy', { inputTokens: 40, outputTokens: 6, cachedInputTokens: 32, calls: 1, costUsd: 0.01 });
    ledger.received('policy', { inputTokens: 48, outputTokens: 6, cachedInputTokens: 40, calls: 1, costUsd: 0.01 });
    ledger.received('value', { inputTokens: 20, outputTokens: 1, cachedInputTokens: 4, calls: 1, costUsd: 0 });
    ledger.received('reward', { inputTokens: 50, outputTokens: 0, calls: 1, costUsd: 0 });
    const stats = ledger.snapshot(tree, 5);
    expect(stats.perService.policy).toMatchObject({ inputTokens: 88, cachedInputTokens: 72 });
    expect(stats.perService.value).toMatchObject({ inputTokens: 20, cachedInputTokens: 4 });
    expect(stats.perService.reward).toMatchObject({ inputTokens: 50, cachedInputTokens: 0 });
    expect(stats.inputTokens).toBe(158);
    expect(stats.cachedInputTokens).toBe(76);
  });

  it('counts a reply\'s cached tokens only up to its input tokens, and a broken count as none', () => {
    const ledger = new UsageLedger();
    ledger.received('policy', { inputTokens: 10, outputTokens: 1, cachedInputTokens: 64, calls: 1, costUsd: 0 });
    ledger.received('value', { inputTokens: 10, outputTokens: 1, cachedInputTokens: -5, calls: 1, costUsd: 0 });
    ledger.received('reward', { inputTokens: 10, outputTokens: 1, cachedInputTokens: Number.NaN, calls: 1, costUsd: 0 });
    const stats = ledger.snapshot(tree, 5);
    expect([stats.perService.policy.cachedInputTokens, stats.perService.value.cachedInputTokens, stats.perService.reward.cachedInputTokens]).toEqual([10, 0, 0]);
    expect(stats.cachedInputTokens).toBe(10);
  });

  it('starts every service at zero, and hands out copies', () => {
    const ledger = new UsageLedger();
    const before = ledger.snapshot(tree, 0);
    expect(before.cachedInputTokens).toBe(0);
    for (const usage of Object.values(before.perService)) expect(usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, calls: 0, costUsd: 0 });
    ledger.received('policy', { inputTokens: 5, outputTokens: 0, cachedInputTokens: 5, calls: 1, costUsd: 0 });
    expect(before.perService.policy.cachedInputTokens).toBe(0);
    expect(ledger.snapshot(tree, 1).perService.policy.cachedInputTokens).toBe(5);
  });
});
