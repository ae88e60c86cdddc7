// Shares one batched backend call's usage out over the items of its batch, in proportion to each item's weight,
// and sums a request's shares back into the usage of its response, whatever batches its items went into.
import type { Usage } from '@arbor/contracts';
import { splitCachedTokens, splitUsage } from './usage-split.js';

export interface ItemShare {
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those the server served from its prefix cache. */
  cachedInputTokens: number;
  costUsd: number;
  model: string;
  estimated: boolean;
  /** Compute time of the whole batch the item was in: the caller waited for all of it. */
  computeMs: number;
  /** Identifies that batch, so a request spread over several batches counts each one's time once. */
  batch: object;
}

/**
 * Each item's share of a batch's usage, one per weight (the caller's measure of an item, e.g. its estimated
 * tokens). Token counts split exactly (largest remainder); when the backend reported no compute time, the time
 * the call took stands in.
 */
export function shareBatchUsage(usage: Usage, weights: readonly number[], elapsedMs: number): ItemShare[] {
  const tokens = splitUsage(usage, weights);
  const cached = splitCachedTokens(usage.cachedInputTokens, tokens.map((t) => t.inputTokens));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const cost = Number(usage.costUsd ?? 0);
  const computeMs = Number(usage.computeMs ?? 0) || elapsedMs;
  const batch = {};
  return tokens.map((t, i) => ({
    inputTokens: t.inputTokens,
    outputTokens: t.outputTokens,
    cachedInputTokens: cached[i] ?? 0,
    costUsd: totalWeight > 0 ? (cost * (weights[i] ?? 0)) / totalWeight : 0,
    model: usage.model ?? '',
    estimated: usage.estimated ?? false,
    computeMs,
    batch,
  }));
}

/** One response's usage from its items' shares: one call as the caller sees it, whatever batches served it. */
export function sumShares(shares: readonly ItemShare[]): Usage {
  const batches = new Set<object>();
  const usage = { inputTokens: 0, outputTokens: 0, calls: 1, costUsd: 0, computeMs: 0, model: shares[0]?.model ?? '', estimated: false, cachedInputTokens: 0 };
  for (const share of shares) {
    usage.inputTokens += share.inputTokens;
    usage.outputTokens += share.outputTokens;
    usage.cachedInputTokens += share.cachedInputTokens;
    usage.costUsd += share.costUsd;
    usage.estimated ||= share.estimated;
    if (!batches.has(share.batch)) {
      batches.add(share.batch);
      usage.computeMs += share.computeMs;
    }
  }
  return usage;
}
