import { describe, expect, it } from 'vitest';
import { Heap } from './heap.js';
import { hashInts } from './seed.js';

interface Item {
  id: number;
  priority: number;
}
const before = (a: Item, b: Item): boolean => a.priority > b.priority || (a.priority === b.priority && a.id < b.id);

describe('Heap', () => {
  it('pops in the caller\'s order, ties included, whatever the push order', () => {
    const items = Array.from({ length: 200 }, (_, id) => ({ id, priority: hashInts([id]) % 7 }));
    const expected = [...items].sort((a, b) => b.priority - a.priority || a.id - b.id);
    for (const order of [items, [...items].reverse(), [...items].sort((a, b) => hashInts([a.id, 1]) - hashInts([b.id, 1]))]) {
      const heap = new Heap<Item>(before);
      for (const item of order) heap.push(item);
      expect(heap.size).toBe(200);
      const popped: Item[] = [];
      for (let item = heap.pop(); item; item = heap.pop()) popped.push(item);
      expect(popped).toEqual(expected);
    }
  });

  it('peeks without removing and is empty-safe', () => {
    const heap = new Heap<Item>(before);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peek()).toBeUndefined();
    heap.push({ id: 2, priority: 1 });
    heap.push({ id: 1, priority: 1 });
    expect(heap.peek()).toEqual({ id: 1, priority: 1 });
    expect(heap.size).toBe(2);
    expect(heap.items()).toHaveLength(2);
  });
});
