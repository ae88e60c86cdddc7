// The arithmetic of MCTS: priors from logprobs, the PUCT rule, and which trajectory to return at the end.

import type { FinalChoice } from './config.js';
import type { SearchTree, TreeNode } from './tree.js';

/** A logprob the softmax can use: non-finite values (missing or broken) become "practically impossible". */
function usableLogprob(lp: number): number {
  return Number.isFinite(lp) ? lp : -1e9;
}

/**
 * Priors for siblings: softmax of their logprobs. Sampled candidates are not the full distribution, so
 * only their relative likelihood under the policy is meaningful; all-broken logprobs give a uniform prior.
 */
export function softmaxPriors(logprobs: readonly number[]): number[] {
  if (logprobs.length === 0) return [];
  const lps = logprobs.map(usableLogprob);
  const top = Math.max(...lps);
  const weights = lps.map((lp) => Math.exp(lp - top));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/**
 * PUCT (Silver et al. 2017): Q + c_puct * P * sqrt(N_parent) / (1 + N_child).
 * sqrt is taken of max(1, N_parent) so the prior already matters for the first pick under a fresh node,
 * where N_parent is still 0 or 1.
 */
export function puct(q: number, prior: number, parentVisits: number, childVisits: number, cPuct: number): number {
  return q + (cPuct * prior * Math.sqrt(Math.max(1, parentVisits))) / (1 + childVisits);
}

/** Mean backed-up value, or the node's own estimate before its first visit. */
export function meanValue(node: TreeNode, estimate: (node: TreeNode) => number): number {
  return node.visits > 0 ? node.valueSum / node.visits : estimate(node);
}

/**
 * The node whose trajectory the search returns:
 * 1. the best verified solution (terminal, outcome >= 1), if any: nothing beats a checked answer;
 * 2. else follow the most visited (or highest mean value) child from the root while there is one;
 * 3. if that walk ends short of a terminal, the best-scored terminal anywhere, so an answer is returned
 *    whenever one was found; else the walk's end (a partial trajectory).
 */
export function chooseFinal(tree: SearchTree, choice: FinalChoice, estimate: (node: TreeNode) => number): TreeNode {
  const terminals: TreeNode[] = [];
  for (let id = 0; id < tree.size; id++) {
    const node = tree.node(id);
    if (node.terminal) terminals.push(node);
  }
  const byOutcome = (a: TreeNode, b: TreeNode): number =>
    (b.outcome ?? 0) - (a.outcome ?? 0) || b.visits - a.visits || a.id - b.id;
  const solution = terminals.filter((n) => (n.outcome ?? 0) >= 1).sort(byOutcome)[0];
  if (solution) return solution;

  let node = tree.root;
  while (!node.terminal && node.children.length > 0) {
    const children = node.children.map((id) => tree.node(id));
    children.sort((a, b) =>
      choice === 'visits'
        ? b.visits - a.visits || meanValue(b, estimate) - meanValue(a, estimate) || a.id - b.id
        : meanValue(b, estimate) - meanValue(a, estimate) || b.visits - a.visits || a.id - b.id,
    );
    const next = children[0];
    if (!next) break;
    node = next;
  }
  if (node.terminal) return node;
  return terminals.sort(byOutcome)[0] ?? node;
}
