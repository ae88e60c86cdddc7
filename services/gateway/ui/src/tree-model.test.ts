// The viewer's tree store and layout, under Node (no DOM): ids merge as the live page receives them, the layout
// holds every node reachable from the root, parents before children, and picking finds the node drawn.
import { describe, expect, it } from 'vitest';
import { binOf, domainOf, BINS } from './colors.js';
import { LEAF_SPACING, LEVEL_SPACING, TreeStore, defaultMetric, layoutTree, nodeAt } from './tree-model.js';
import type { TreeNodeJson } from './types.js';

function node(id: number, parent: number, extra: Partial<TreeNodeJson> = {}): TreeNodeJson {
  return { id, parent_id: parent, depth: 0, text: `step ${id}`, logprob: -1, terminal: false, answer: '', value: null, reward: null, outcome: null, visits: 0, expanded: false, tokens: 3, ...extra };
}

/** A complete tree: `branching` children per node down to `depth`, ids in breadth-first order. */
function fullTree(branching: number, depth: number): TreeNodeJson[] {
  const nodes = [node(0, 0)];
  let level = [0];
  for (let d = 1; d <= depth; d++) {
    const next: number[] = [];
    for (const parent of level) {
      for (let c = 0; c < branching; c++) {
        const id = nodes.length;
        nodes.push(node(id, parent, { depth: d, visits: d === 1 ? 10 : 1, value: (id % 10) / 10 }));
        next.push(id);
      }
    }
    level = next;
  }
  return nodes;
}

describe('TreeStore', () => {
  it('appends new nodes, replaces known ones, and asks for the ids past the highest seen', () => {
    const store = new TreeStore();
    expect(store.nextSince).toBe(0);
    expect(store.merge([node(0, 0), node(1, 0), node(2, 0)])).toBe(3);
    expect(store.nextSince).toBe(3);
    const version = store.version;
    expect(store.merge([node(3, 1), node(4, 2)])).toBe(2);
    expect(store.version).toBeGreaterThan(version);
    // The final tree again: nothing new, the values replaced.
    expect(store.merge(fullTree(2, 2).map((n) => ({ ...n, visits: 7 })).slice(0, 5))).toBe(0);
    expect(store.size).toBe(5);
    expect(store.get(3)?.visits).toBe(7);
    expect(store.nodes().map((n) => n.id)).toEqual([0, 1, 2, 3, 4]);
    // An empty page changes nothing.
    const before = store.version;
    store.merge([]);
    expect(store.version).toBe(before);
  });

  it('keeps id order when nodes arrive out of order', () => {
    const store = new TreeStore();
    store.merge([node(0, 0), node(2, 0)]);
    store.merge([node(1, 0)]);
    expect(store.nodes().map((n) => n.id)).toEqual([0, 1, 2]);
    expect(store.nextSince).toBe(3);
  });
});

describe('layoutTree', () => {
  it('lays out every node of a 10 k-node tree, each parent before its children, in tens of milliseconds', () => {
    const store = new TreeStore();
    store.merge(fullTree(10, 4)); // 1 + 10 + 100 + 1000 + 10000 nodes
    const started = performance.now();
    const layout = layoutTree(store, 'tidy');
    const took = performance.now() - started;
    expect(layout.count).toBe(11_111);
    expect(layout.nodes[0]!.id).toBe(0);
    expect(layout.parent[0]).toBe(-1);
    for (let i = 1; i < layout.count; i++) {
      const p = layout.parent[i]!;
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(i);
      expect(layout.nodes[p]!.id).toBe(layout.nodes[i]!.parent_id);
      expect(layout.y[i]).toBe(layout.nodes[i]!.depth * LEVEL_SPACING);
    }
    // Tidy: leaves at least LEAF_SPACING apart, none on top of another.
    const leaves = [...layout.x.filter((_x, i) => layout.nodes[i]!.depth === 4)].sort((a, b) => a - b);
    expect(leaves).toHaveLength(10_000);
    for (let i = 1; i < leaves.length; i++) expect(leaves[i]! - leaves[i - 1]!).toBeGreaterThanOrEqual(LEAF_SPACING - 1e-9);
    expect(layout.maxVisits).toBe(10);
    expect(took).toBeLessThan(1_000);
  });

  it('leaves out nodes whose parent has not arrived, and an empty store lays out nothing', () => {
    const store = new TreeStore();
    expect(layoutTree(store, 'tidy').count).toBe(0);
    store.merge([node(0, 0), node(1, 0), node(3, 2), node(4, 3)]);
    const layout = layoutTree(store, 'tidy');
    expect(layout.count).toBe(2);
    expect([...layout.indexOf.keys()].sort()).toEqual([0, 1]);
  });

  it('puts the root in the middle of the radial layout, each level on its own ring', () => {
    const store = new TreeStore();
    store.merge(fullTree(3, 3));
    const layout = layoutTree(store, 'radial');
    expect(layout.count).toBe(40);
    expect(Math.hypot(layout.x[0]!, layout.y[0]!)).toBe(0);
    const radii = new Map<number, Set<number>>();
    for (let i = 0; i < layout.count; i++) {
      const depth = layout.nodes[i]!.depth;
      radii.set(depth, (radii.get(depth) ?? new Set()).add(Math.round(Math.hypot(layout.x[i]!, layout.y[i]!) * 1e6)));
    }
    for (const [, rings] of radii) expect(rings.size).toBe(1);
  });

  it('sizes nodes by visits', () => {
    const store = new TreeStore();
    store.merge([node(0, 0, { visits: 100 }), node(1, 0, { visits: 25, depth: 1 }), node(2, 0, { visits: 0, depth: 1 })]);
    const layout = layoutTree(store, 'tidy');
    const r = (id: number) => layout.r[layout.indexOf.get(id)!]!;
    expect(r(0)).toBeGreaterThan(r(1));
    expect(r(1)).toBeGreaterThan(r(2));
    expect(r(0)).toBeLessThanOrEqual(LEAF_SPACING / 2);
  });
});

describe('nodeAt', () => {
  it('finds the node drawn under a point, the nearest centre when discs overlap, and none in empty space', () => {
    const store = new TreeStore();
    store.merge(fullTree(3, 2));
    const layout = layoutTree(store, 'tidy');
    const t = { kx: 2, ky: 1.5, x: 100, y: 20 };
    const radius = () => 3;
    for (const id of [0, 4, 12]) {
      const i = layout.indexOf.get(id)!;
      const px = layout.x[i]! * t.kx + t.x;
      const py = layout.y[i]! * t.ky + t.y;
      expect(layout.nodes[nodeAt(layout, t, px + 1, py - 1, radius, 6)]!.id).toBe(id);
    }
    expect(nodeAt(layout, t, -500, -500, radius, 6)).toBe(-1);
    // Zoomed far out every disc overlaps: the nearest centre wins.
    const far = { kx: 0.01, ky: 0.01, x: 0, y: 0 };
    const i = layout.indexOf.get(7)!;
    expect(layout.nodes[nodeAt(layout, far, layout.x[i]! * far.kx, layout.y[i]! * far.ky, () => 10, 6)]!.depth).toBe(2);
  });
});

describe('colours', () => {
  it('keeps [0, 1] and [-1, 1] scales when the scores fit them, else spans the scores', () => {
    expect(domainOf([0.2, 0.9])).toEqual({ min: 0, max: 1 });
    expect(domainOf([-0.5, 0.9])).toEqual({ min: -1, max: 1 });
    expect(domainOf([3, 7])).toEqual({ min: 3, max: 7 });
    expect(domainOf([])).toEqual({ min: 0, max: 1 });
    expect(binOf(null, { min: 0, max: 1 })).toBe(-1);
    expect(binOf(0, { min: 0, max: 1 })).toBe(0);
    expect(binOf(1, { min: 0, max: 1 })).toBe(BINS - 1);
    expect(binOf(5, { min: 0, max: 1 })).toBe(BINS - 1);
  });

  it('colours by value when any node has one, else by reward', () => {
    expect(defaultMetric([node(0, 0), node(1, 0, { value: 0.5 })])).toBe('value');
    expect(defaultMetric([node(0, 0), node(1, 0, { reward: 0.5 })])).toBe('reward');
    expect(defaultMetric([node(0, 0)])).toBe('value');
  });
});
