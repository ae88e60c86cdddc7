// What a search must produce the same way whatever the transport, the parallelism or the latencies: its
// result without timings. Benchmarks compare runs by it, so a difference in time is only a difference in cost.
import { isDeepStrictEqual } from 'node:util';
import type { SearchOutcome } from '@arbor/search';

export function fingerprint(outcome: SearchOutcome) {
  return {
    answer: outcome.answer,
    best: outcome.best,
    score: outcome.score,
    stopReason: outcome.stopReason,
    expansions: outcome.stats.expansions,
    nodes: outcome.stats.nodes,
    modelCalls: outcome.stats.modelCalls,
    tree: outcome.tree,
  };
}

export type Fingerprint = ReturnType<typeof fingerprint>;

/** The first place two fingerprints differ, for a failure message someone can act on. */
export function firstDifference(a: Fingerprint, b: Fingerprint): string {
  const nodes = Math.max(a.tree.nodes.length, b.tree.nodes.length);
  for (let i = 0; i < nodes; i++) {
    if (!isDeepStrictEqual(a.tree.nodes[i], b.tree.nodes[i])) {
      return `tree node ${i}: ${JSON.stringify(a.tree.nodes[i])} vs ${JSON.stringify(b.tree.nodes[i])}`;
    }
  }
  for (const key of Object.keys(a) as (keyof Fingerprint)[]) {
    if (!isDeepStrictEqual(a[key], b[key])) return `${key}: ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`;
  }
  return 'no difference found';
}
