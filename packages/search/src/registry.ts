// Which states a tree already holds, so tree searches can skip a candidate that repeats one (dedupeStates).

import type { Candidate, Step } from './model.js';
import type { SearchTree, TreeNode } from './tree.js';

export interface FreshOptions {
  /**
   * Also drop candidates that repeat a child the parent already has, and each other, even with dedupe
   * off: used when a node is asked for more children (re-expansion), where a repeat adds nothing.
   */
  distinctFromSiblings?: boolean;
}

/**
 * With dedupe on, a state (by the search's stateKey) is created at most once in the whole tree: a
 * repeat among siblings, or the same state reached by another path when stateKey normalises (a
 * transposition), would only be searched twice. With it off, candidates are kept as the policy gave them.
 */
export class StateRegistry {
  readonly #enabled: boolean;
  readonly #stateKey: (steps: readonly Step[]) => string;
  readonly #seen = new Set<string>();

  constructor(enabled: boolean, stateKey: (steps: readonly Step[]) => string) {
    this.#enabled = enabled;
    this.#stateKey = stateKey;
    if (enabled) this.#seen.add(stateKey([]));
  }

  /** The candidates worth creating under `parentId`, in the order given. Nothing is recorded until `commit`. */
  fresh(tree: SearchTree, parentId: number, candidates: readonly Candidate[], options: FreshOptions = {}): Candidate[] {
    const distinct = options.distinctFromSiblings ?? false;
    if (!this.#enabled && !distinct) return [...candidates];
    const prefix = tree.steps(parentId);
    const local = new Set<string>();
    if (distinct) {
      for (const id of tree.node(parentId).children) local.add(this.#key(tree, id));
    }
    return candidates.filter((candidate) => {
      const key = this.#stateKey([...prefix, candidate.step]);
      if (local.has(key) || (this.#enabled && this.#seen.has(key))) return false;
      local.add(key);
      return true;
    });
  }

  /** Records the states of nodes just created, so later candidates repeating them are dropped. */
  commit(tree: SearchTree, nodes: readonly TreeNode[]): void {
    if (!this.#enabled) return;
    for (const node of nodes) this.#seen.add(this.#key(tree, node.id));
  }

  #key(tree: SearchTree, id: number): string {
    return this.#stateKey(tree.steps(id));
  }
}
