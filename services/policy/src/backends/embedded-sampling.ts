// Sampling k distinct items from softmax(logits / temperature) without replacement, optionally within a nucleus.
import type { Rng } from './embedded-rng.js';

export function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (const x of xs) sum += Math.exp(x - max);
  return max + Math.log(sum);
}

/**
 * Indices of k distinct items, in the order sequential sampling without replacement would draw them.
 * Uses the Gumbel-top-k trick (perturb each scaled logit with Gumbel noise, keep the k largest), which has
 * exactly that distribution and costs one random draw per item. Noise is drawn for every item, in order,
 * whatever top_p is, so the random stream does not depend on it.
 */
export function sampleDistinct(logits: readonly number[], k: number, temperature: number, topP: number, rng: Rng): number[] {
  const scaled = logits.map((l) => l / temperature);
  const keys = scaled.map((s) => s - Math.log(-Math.log(rng.next())));
  const allowed = nucleus(scaled, topP);
  return keys
    .map((key, index) => ({ key, index }))
    .filter(({ index }) => allowed.has(index))
    .sort((a, b) => b.key - a.key || a.index - b.index)
    .slice(0, k)
    .map(({ index }) => index);
}

/** The smallest set of most likely items whose probability reaches topP (all items when topP >= 1). */
function nucleus(scaled: readonly number[], topP: number): Set<number> {
  const all = new Set(scaled.map((_, i) => i));
  if (topP >= 1) return all;
  const logZ = logSumExp(scaled);
  const order = [...all].sort((a, b) => (scaled[b] as number) - (scaled[a] as number) || a - b);
  const kept = new Set<number>();
  let mass = 0;
  for (const i of order) {
    kept.add(i);
    mass += Math.exp((scaled[i] as number) - logZ);
    if (mass >= topP) break;
  }
  return kept;
}
