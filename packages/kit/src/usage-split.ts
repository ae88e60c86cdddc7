// Apportions one batched backend call's token usage among its items, so each caller's response reports (and
// is priced on) its own share, and the shares add up to exactly what the server reported.
import { ArborError } from './errors.js';

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
}

/**
 * Splits `total` (an integer) in proportion to `weights` by the largest-remainder method: each part gets the
 * floor of its exact share, then the units left over go to the largest fractional parts (earlier items on a
 * tie). The parts always sum to `total`.
 */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  // All weights 0: nothing says who used what, so everyone shares alike.
  const shares = sum > 0 ? weights.map((w) => (total * w) / sum) : weights.map(() => total / weights.length);
  const parts = shares.map(Math.floor);
  const remainders = shares.map((share, i) => ({ i, fraction: share - parts[i]! }));
  remainders.sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  let left = total - parts.reduce((a, b) => a + b, 0);
  // left is in [0, n]; the modulo only guards against float error pushing it a unit out.
  for (let k = 0; left > 0; k = (k + 1) % remainders.length, left--) parts[remainders[k]!.i]!++;
  for (let k = remainders.length - 1; left < 0; k = (k - 1 + remainders.length) % remainders.length) {
    const i = remainders[k]!.i;
    if (parts[i]! > 0) {
      parts[i]!--;
      left++;
    }
  }
  return parts;
}

/** A token count as an integer ≥ 0 (proto Usage fields may be unset). */
const tokens = (n: number | undefined) => Math.max(0, Math.round(n ?? 0));

/**
 * A batch's token counts split among its items by `weight` (e.g. each item's prompt length), one entry per
 * weight; each count's parts sum exactly to the batch's. Equal shares when every weight is 0. Cost is left to
 * the caller: price each part (ServicePrices.apply) once it has its tokens.
 */
export function splitUsage(usage: { readonly inputTokens?: number; readonly outputTokens?: number }, weights: readonly number[]): TokenCounts[] {
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w < 0) throw new ArborError('internal', `splitUsage: weight ${i} is ${w}; weights must be finite and ≥ 0`);
  });
  if (weights.length === 0) return [];
  const input = apportion(tokens(usage.inputTokens), weights);
  const output = apportion(tokens(usage.outputTokens), weights);
  return weights.map((_, i) => ({ inputTokens: input[i]!, outputTokens: output[i]! }));
}

/**
 * A batch's cached prompt tokens (reported as part of its input tokens) split among its items in proportion to
 * each item's share of the input tokens, `inputParts` (splitUsage's). The parts sum to `cached` (taken as at most
 * the input) and none exceeds its item's input part: cached tokens are input tokens.
 */
export function splitCachedTokens(cached: number | undefined, inputParts: readonly number[]): number[] {
  const input = inputParts.reduce((a, b) => a + b, 0);
  const total = Math.min(tokens(cached), input);
  if (total === 0) return inputParts.map(() => 0);
  // In proportion to the input parts, a part's exact share is at most its input part, and the largest remainders
  // only round up shares that were below it; the min guards against float error.
  return apportion(total, inputParts).map((part, i) => Math.min(part, inputParts[i] ?? 0));
}
