// Per-call seeds derived from the search seed and the node, so a tree never depends on call timing.

/** murmur3's 32-bit finaliser: a bijection on uint32 with good avalanche, enough to decorrelate seeds. */
export function avalanche(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes a list of integers (each taken modulo 2^32) to a uint32. Order matters. */
export function hashInts(parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = avalanche((h ^ avalanche(part >>> 0)) + 0x7f4a7c15);
  }
  return avalanche(h ^ parts.length);
}

/** What a seeded call is for; part of the hash so two calls on one node never share a seed. */
export const CALL_PURPOSE = {
  /** Expanding a node (beam, MCTS, ...); `index` counts earlier expansions of the same node. */
  expand: 1,
  /** One step of best-of-N rollout `index`. */
  rollout: 2,
  /** One greedy step of a beam candidate's lookahead rollout, from the rollout's current tip. */
  lookahead: 3,
  /** Particle filtering: the step of particle `index` from node `nodeId`. */
  particle: 4,
  /** Particle filtering: draw `index` of the resampling after round `nodeId` (not a call; a seeded uniform). */
  resample: 5,
} as const;
export type CallPurpose = (typeof CALL_PURPOSE)[keyof typeof CALL_PURPOSE];

/**
 * Seed for a policy call on `nodeId`. The search seed may use up to 53 bits; both halves are mixed in
 * so seeds that differ only above bit 32 still give different trees.
 */
export function deriveSeed(searchSeed: number, nodeId: number, purpose: CallPurpose, index = 0): number {
  const low = searchSeed >>> 0;
  const high = Math.floor(searchSeed / 0x1_0000_0000) >>> 0;
  return hashInts([low, high, nodeId, purpose, index]);
}
