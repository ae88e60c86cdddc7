// Progressive widening for MCTS: how many children a node may have after N visits.

/**
 * ceil(c * N^alpha) children after N visits (Coulom 2007, "Computing Elo Ratings of Move Patterns in the
 * Game of Go"; Chaslot et al. 2008, "Progressive Strategies for Monte-Carlo Tree Search"): a node starts
 * with few children and earns more as the search keeps coming back to it, so width goes where the search
 * spends its time. N counts the visit being made, so a fresh node (0 visits so far) is sized for 1, and
 * always gets at least one child. `cap` (childrenPerNode) bounds it: replies and reservations stay bounded.
 */
export function allowedChildren(visits: number, c: number, alpha: number, cap: number): number {
  const n = Math.max(0, visits) + 1;
  return Math.min(cap, Math.max(1, Math.ceil(c * Math.pow(n, alpha) - 1e-9)));
}
