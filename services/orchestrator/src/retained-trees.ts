// Finished trees kept for GetTree, bounded by an estimate of the memory they hold rather than by their number:
// one tree of 70 k nodes holds about 30 MB, so a count (256 trees) let a small container run out of memory. The
// oldest go first; a tree larger than the whole budget is not kept. Recently dropped search ids are remembered, so
// that GetTree can say a tree expired rather than that the search never existed.
import { getHeapStatistics } from 'node:v8';
import type { TreeView } from '@arbor/search';

/** A quarter of the heap V8 may grow to (set by --max-old-space-size, or from the machine's memory). */
export function defaultRetentionBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 4);
}

/**
 * Half the heap for trees, running and kept: kept trees give way to the trees of running searches, so a burst
 * of large searches empties the cache before it can run the process out of memory.
 */
export function treeMemoryBytes(): number {
  return Math.floor(getHeapStatistics().heap_size_limit / 2);
}

const REMEMBERED_EXPIRED = 10_000;

export class RetainedTrees {
  readonly #trees = new Map<string, TreeView>();
  readonly #expired = new Set<string>();
  #bytes = 0;

  constructor(readonly budgetBytes: number = defaultRetentionBytes()) {}

  /**
   * Keeps a finished tree, dropping the oldest ones while they are over the budget, or over `roomBytes` when that
   * is less (the memory left beside the trees of running searches).
   */
  add(searchId: string, tree: TreeView, roomBytes = Number.POSITIVE_INFINITY): void {
    const budget = Math.max(0, Math.min(this.budgetBytes, roomBytes));
    this.#drop(searchId);
    this.#expired.delete(searchId);
    if (tree.estimatedBytes > budget) {
      this.#expire(searchId);
      return;
    }
    this.#trees.set(searchId, tree);
    this.#bytes += tree.estimatedBytes;
    while (this.#bytes > budget) {
      const oldest = this.#trees.keys().next().value;
      if (oldest === undefined) break;
      this.#drop(oldest);
      this.#expire(oldest);
    }
  }

  /** Forgets a kept tree, as if it had never been kept. */
  remove(searchId: string): void {
    this.#drop(searchId);
    this.#expired.delete(searchId);
  }

  get(searchId: string): TreeView | undefined {
    return this.#trees.get(searchId);
  }

  /** Whether the tree of this search was kept once and has since been dropped (or was too large to keep). */
  expired(searchId: string): boolean {
    return this.#expired.has(searchId);
  }

  /** Estimated memory of the trees kept. */
  get bytes(): number {
    return this.#bytes;
  }

  get count(): number {
    return this.#trees.size;
  }

  #drop(searchId: string): void {
    const tree = this.#trees.get(searchId);
    if (!tree) return;
    this.#trees.delete(searchId);
    this.#bytes -= tree.estimatedBytes;
  }

  #expire(searchId: string): void {
    this.#expired.add(searchId);
    if (this.#expired.size > REMEMBERED_EXPIRED) {
      const oldest = this.#expired.values().next().value;
      if (oldest !== undefined) this.#expired.delete(oldest);
    }
  }
}
