// What a saved tree says of each step: of the finished trajectories that pass through a node, how many reached an
// answer the task's checker verified. This is Math-Shepherd's and OmegaPRM's Monte Carlo estimate of a step's
// correctness (Wang et al. 2024; Luo et al. 2024), read off the search's own rollouts instead of extra ones.
import type { SavedNode } from '../eval/run-folder.js';

export interface NodeLabel {
  /** Finished trajectories (terminal nodes with an answer) in this node's subtree, itself included. */
  finished: number;
  /** Of them, those whose answer the checker verified. */
  correct: number;
}

/** The steps from the root's child down to `id`. */
export function stepsTo(nodes: readonly SavedNode[], id: number): SavedNode[] {
  const path: SavedNode[] = [];
  let node = nodes[id];
  while (node && node.id !== node.parent_id) {
    path.push(node);
    node = nodes[node.parent_id];
  }
  return path.reverse();
}

/**
 * Every node's label, by id. Nodes come in id order, a parent before its children, so one pass from the last
 * node back adds each subtree into its parent. `verified` says whether a terminal node's answer is correct.
 */
export function labelTree(nodes: readonly SavedNode[], verified: (answer: string) => boolean): NodeLabel[] {
  const labels: NodeLabel[] = nodes.map((node) => {
    const finished = node.terminal && node.answer !== '';
    return { finished: finished ? 1 : 0, correct: finished && verified(node.answer) ? 1 : 0 };
  });
  for (let i = nodes.length - 1; i > 0; i--) {
    const node = nodes[i]!;
    if (node.parent_id === node.id) continue;
    const parent = labels[node.parent_id];
    if (!parent) continue;
    parent.finished += labels[i]!.finished;
    parent.correct += labels[i]!.correct;
  }
  return labels;
}

/** The Monte Carlo estimate of a node: the share of its finished trajectories that are correct; null without any. */
export function softLabel(label: NodeLabel): number | null {
  return label.finished === 0 ? null : label.correct / label.finished;
}
