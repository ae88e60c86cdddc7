// A binary max-heap under a caller's total order, for the open queues of best-first searches.

/**
 * `before(a, b)` is true when `a` must come out first. Give it a total order (e.g. break ties on node
 * id) and the sequence of pops depends only on what was pushed, never on the heap's internal layout.
 */
export class Heap<T> {
  readonly #items: T[] = [];
  readonly #before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.#before = before;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Every item, in no particular order; for scanning, not for popping. */
  items(): readonly T[] {
    return this.#items;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(this.#at(i), this.#at(parent))) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < items.length && this.#before(this.#at(left), this.#at(first))) first = left;
      if (right < items.length && this.#before(this.#at(right), this.#at(first))) first = right;
      if (first === i) return top;
      this.#swap(i, first);
      i = first;
    }
  }

  #at(i: number): T {
    const item = this.#items[i];
    if (item === undefined) throw new RangeError(`heap index ${i} out of range`);
    return item;
  }

  #swap(i: number, j: number): void {
    const a = this.#at(i);
    this.#items[i] = this.#at(j);
    this.#items[j] = a;
  }
}
