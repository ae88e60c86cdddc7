import type { Usage } from '@arbor/contracts';
import { describe, expect, it } from 'vitest';
import { BackendCalls, NO_BATCHING } from './backend-calls.js';

const signal = () => new AbortController().signal;

/** A backend that doubles each item and bills 10 input tokens per item, recording its calls. */
function doubling(calls: number[][], extra: Partial<Usage> = {}) {
  return async (items: readonly number[]) => {
    calls.push([...items]);
    const usage: Usage = { inputTokens: 10 * items.length, outputTokens: 0, calls: 1, costUsd: 0.5, model: 'm', estimated: false, ...extra };
    return { results: items.map((n) => n * 2), usage };
  };
}

describe('BackendCalls', () => {
  it('without batching makes one call per request and passes its usage through as one call', async () => {
    const calls: number[][] = [];
    const backend = new BackendCalls({ batching: NO_BATCHING, weight: () => 1, call: doubling(calls, { calls: 3 }) });
    const { results, usage } = await backend.run([1, 2, 3], signal());
    expect(results).toEqual([2, 4, 6]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(usage).toMatchObject({ inputTokens: 30, calls: 1, costUsd: 0.5, model: 'm' });
    expect(usage.computeMs).toBeGreaterThanOrEqual(0);
    expect(backend.batchStats).toBeUndefined();
  });

  it('reports no call when the backend sent no request', async () => {
    const backend = new BackendCalls({ batching: NO_BATCHING, weight: () => 1, call: doubling([], { calls: 0 }) });
    expect((await backend.run([1], signal())).usage.calls).toBe(0);
  });

  it('with batching gathers concurrent requests into one call and shares its usage out by weight', async () => {
    const calls: number[][] = [];
    const backend = new BackendCalls({ batching: { maxItems: 8, maxWaitMs: 5 }, weight: (n: number) => n, call: doubling(calls) });
    const [a, b] = await Promise.all([backend.run([1], signal()), backend.run([3], signal())]);
    expect(calls).toEqual([[1, 3]]);
    expect(a.results).toEqual([2]);
    expect(b.results).toEqual([6]);
    // 20 tokens and $0.5 split 1 : 3; each caller made one call as it sees it.
    expect([a.usage.inputTokens, b.usage.inputTokens]).toEqual([5, 15]);
    expect(a.usage.costUsd).toBeCloseTo(0.125);
    expect(b.usage.costUsd).toBeCloseTo(0.375);
    expect([a.usage.calls, b.usage.calls]).toEqual([1, 1]);
    expect(backend.batchStats).toEqual({ batches: 1, items: 2 });
  });

  it('passes cached input tokens through unbatched, and shares them out with the input tokens when batched', async () => {
    const alone = new BackendCalls({ batching: NO_BATCHING, weight: () => 1, call: doubling([], { cachedInputTokens: 24 }) });
    expect((await alone.run([1, 2, 3], signal())).usage).toMatchObject({ inputTokens: 30, cachedInputTokens: 24 });
    const shared = new BackendCalls({ batching: { maxItems: 8, maxWaitMs: 5 }, weight: (n: number) => n, call: doubling([], { cachedInputTokens: 12 }) });
    const [a, b] = await Promise.all([shared.run([1], signal()), shared.run([3], signal())]);
    // 20 input tokens split 5 : 15, their 12 cached 3 : 9.
    expect([a.usage.inputTokens, a.usage.cachedInputTokens]).toEqual([5, 3]);
    expect([b.usage.inputTokens, b.usage.cachedInputTokens]).toEqual([15, 9]);
  });
});
