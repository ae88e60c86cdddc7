// REBASE's split of a level's expansion width among its nodes: a softmax over rewards, rounded to whole children.

/**
 * Children for each node: width x softmax(reward / temperature), rounded so the counts add up to exactly
 * `width`. Each node gets its share rounded down, and the children left over go to the largest
 * remainders (Hamilton's method), so no node is ever more than one child off its exact share; equal
 * remainders go to the earlier node, which keeps the split a function of the inputs alone.
 * Non-finite rewards count as 0. An empty level gets nothing.
 */
export function allocateWidth(width: number, rewards: readonly number[], temperature: number): number[] {
  if (rewards.length === 0 || width <= 0) return rewards.map(() => 0);
  const scaled = rewards.map((r) => (Number.isFinite(r) ? r : 0) / temperature);
  // Shifting by the max keeps exp() from overflowing at low temperatures; the softmax is unchanged.
  const top = Math.max(...scaled);
  const weights = scaled.map((s) => Math.exp(s - top));
  const total = weights.reduce((a, b) => a + b, 0);
  const quotas = weights.map((w) => (width * w) / total);
  const counts = quotas.map((q) => Math.floor(q));
  let left = width - counts.reduce((a, b) => a + b, 0);
  const byRemainder = quotas
    .map((q, i) => ({ i, remainder: q - Math.floor(q) }))
    .sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}
