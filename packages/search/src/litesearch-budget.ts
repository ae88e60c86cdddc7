// LiteSearch's per-node expansion budget: how many children a node needs for one of them to be good.

/** Rounding noise in the log ratio must not cost a whole extra child (e.g. 2.0000000000000004 -> 3). */
const EPSILON = 1e-9;

/**
 * The smallest C with 1 - (1 - v)^C >= threshold, i.e. log(1 - threshold) / log(1 - v), divided by the
 * node's depth and rounded up (Wang et al. 2024): if each child is good with probability v, C children
 * contain a good one with probability `threshold`; deeper nodes get fewer, since fewer steps remain in
 * which to go wrong and a miss there costs less of the search. The result is clipped to
 * [2, maxChildren]: one child would make the search a greedy rollout, and a node valued 0 (or unknown)
 * would otherwise need infinitely many. `depth` below 1 (the root) counts as 1.
 */
export function expansionBudget(value: number, depth: number, threshold: number, maxChildren: number): number {
  const v = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
  const d = Math.max(1, depth);
  if (v >= 1) return Math.min(2, maxChildren);
  if (v <= 0) return maxChildren;
  const needed = Math.log(1 - threshold) / Math.log(1 - v);
  const budget = Math.ceil(needed / d - EPSILON);
  return Math.min(maxChildren, Math.max(2, budget));
}
