// The nodes of one search as the page knows them, and their layout (d3-hierarchy's tidy tree, top-down or
// radial) as flat typed arrays the canvas draws from. No DOM here, so it is unit-tested under Node.
import { hierarchy, tree, type HierarchyPointNode } from 'd3-hierarchy';
import type { TreeNodeJson } from './types.js';
import type { Metric } from './colors.js';

export type LayoutKind = 'tidy' | 'radial';

/** The nodes received so far, by id; later copies of a node (the final tree) replace earlier ones. */
export class TreeStore {
  private readonly byId = new Map<number, TreeNodeJson>();
  private ordered: TreeNodeJson[] | null = [];
  private maxId = -1;
  /** Bumped on every change, so a layout knows whether it is stale. */
  version = 0;

  get size(): number {
    return this.byId.size;
  }

  /** The `since` to ask for next: one past the highest id seen. */
  get nextSince(): number {
    return this.maxId + 1;
  }

  /** Adds or replaces nodes; returns how many were new. */
  merge(nodes: readonly TreeNodeJson[]): number {
    let added = 0;
    let inOrder = this.ordered !== null;
    for (const node of nodes) {
      if (!this.byId.has(node.id)) {
        added++;
        if (node.id < this.maxId) inOrder = false;
        else if (inOrder) this.ordered!.push(node);
      } else {
        inOrder = false;
      }
      this.byId.set(node.id, node);
      if (node.id > this.maxId) this.maxId = node.id;
    }
    this.ordered = inOrder ? this.ordered : null;
    if (nodes.length > 0) this.version++;
    return added;
  }

  /** Every node in id order. */
  nodes(): readonly TreeNodeJson[] {
    this.ordered ??= [...this.byId.values()].sort((a, b) => a.id - b.id);
    return this.ordered;
  }

  get(id: number): TreeNodeJson | undefined {
    return this.byId.get(id);
  }
}

export function scoreOf(node: TreeNodeJson, metric: Metric): number | null {
  const score = node[metric];
  return typeof score === 'number' && Number.isFinite(score) ? score : null;
}

/** The metric to colour by first: the value when any node has one, else the reward, else the outcome. */
export function defaultMetric(nodes: readonly TreeNodeJson[]): Metric {
  for (const metric of ['value', 'reward', 'outcome'] as const) if (nodes.some((n) => scoreOf(n, metric) !== null)) return metric;
  return 'value';
}

/** A laid-out tree: index i is one drawn node; parent[i] is its parent's index (-1 for the root). */
export interface Layout {
  kind: LayoutKind;
  count: number;
  nodes: TreeNodeJson[];
  x: Float64Array;
  y: Float64Array;
  /** World radius of each node (by visits). */
  r: Float64Array;
  parent: Int32Array;
  indexOf: Map<number, number>;
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
  maxVisits: number;
  /** The store version this layout was made from. */
  version: number;
}

/** Spacing of neighbouring leaves, in world units. */
export const LEAF_SPACING = 10;

interface Datum {
  node: TreeNodeJson;
  children: Datum[];
}

/** Spacing of depth levels in the tidy layout, in world units (the view stretches depth and breadth apart). */
export const LEVEL_SPACING = 100;

/**
 * Lays out the nodes reachable from the root (id 0, its own parent), in id order under each parent. Nodes whose
 * parent has not arrived are left out (the API sends parents first, so only a torn read could leave one).
 */
export function layoutTree(store: TreeStore, kind: LayoutKind): Layout {
  const all = store.nodes();
  const datums = new Map<number, Datum>();
  let root: Datum | undefined;
  for (const node of all) {
    if (node.parent_id === node.id) {
      if (!root) {
        root = { node, children: [] };
        datums.set(node.id, root);
      }
      continue;
    }
    const parent = datums.get(node.parent_id);
    if (!parent) continue;
    const datum = { node, children: [] };
    parent.children.push(datum);
    datums.set(node.id, datum);
  }
  const empty: Layout = {
    kind,
    count: 0,
    nodes: [],
    x: new Float64Array(0),
    y: new Float64Array(0),
    r: new Float64Array(0),
    parent: new Int32Array(0),
    indexOf: new Map(),
    minX: 0,
    maxX: 0,
    minY: 0,
    maxY: 0,
    maxVisits: 0,
    version: store.version,
  };
  if (!root) return empty;

  const h = hierarchy<Datum>(root, (d) => (d.children.length > 0 ? d.children : null));
  let laid: HierarchyPointNode<Datum>;
  if (kind === 'radial') {
    laid = tree<Datum>()
      .size([2 * Math.PI, 1])
      .separation((a, b) => (a.parent === b.parent ? 1 : 2) / Math.max(1, a.depth))(h);
  } else {
    laid = tree<Datum>()
      .nodeSize([1, 1])
      .separation((a, b) => (a.parent === b.parent ? 1 : 1.5))(h);
  }

  const count = datums.size;
  const layout: Layout = {
    ...empty,
    count,
    nodes: new Array<TreeNodeJson>(count),
    x: new Float64Array(count),
    y: new Float64Array(count),
    r: new Float64Array(count),
    parent: new Int32Array(count),
  };
  let maxDepth = 0;
  let leaves = 0;
  laid.each((p) => {
    if (p.depth > maxDepth) maxDepth = p.depth;
    if (!p.children) leaves++;
  });

  // World coordinates.
  let place: (p: HierarchyPointNode<Datum>) => [number, number];
  if (kind === 'radial') {
    // The leaves' ring long enough for LEAF_SPACING between neighbours, at least 60 units per level.
    const ring = Math.max(60 * maxDepth, (leaves * LEAF_SPACING) / (2 * Math.PI));
    const depthSpacing = maxDepth > 0 ? ring / maxDepth : 60;
    place = (p) => {
      const angle = p.x - Math.PI / 2;
      const radius = p.depth * depthSpacing;
      return [radius * Math.cos(angle), radius * Math.sin(angle)];
    };
  } else {
    place = (p) => [p.x * LEAF_SPACING, p.depth * LEVEL_SPACING];
  }

  let i = 0;
  let maxVisits = 0;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  laid.eachBefore((p) => {
    const node = p.data.node;
    layout.nodes[i] = node;
    layout.indexOf.set(node.id, i);
    const [x, y] = place(p);
    layout.x[i] = x;
    layout.y[i] = y;
    layout.parent[i] = p.parent ? layout.indexOf.get(p.parent.data.node.id)! : -1;
    if (node.visits > maxVisits) maxVisits = node.visits;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
    i++;
  });
  for (let j = 0; j < count; j++) {
    const visits = layout.nodes[j]!.visits;
    // From a fifth of the leaf spacing (never visited) to about half of it (the most visited): never overlapping.
    layout.r[j] = LEAF_SPACING * (maxVisits > 0 ? 0.2 + 0.28 * Math.sqrt(visits / maxVisits) : 0.3);
  }
  return { ...layout, minX, maxX, minY, maxY, maxVisits };
}

export interface ViewTransform {
  /** Pixels per world unit across (breadth) and down (depth); equal in the radial layout. */
  kx: number;
  ky: number;
  x: number;
  y: number;
}

/**
 * The drawn node under the canvas point (px, py): of the nodes whose drawn disc (radius(i) pixels) comes within
 * `tolerance` pixels of it, the one whose centre is nearest, so a small node beside a big one can still be
 * picked. -1 for none.
 */
export function nodeAt(layout: Layout, t: ViewTransform, px: number, py: number, radius: (i: number) => number, tolerance: number): number {
  let best = -1;
  let bestDistance = Infinity;
  for (let i = 0; i < layout.count; i++) {
    const dx = layout.x[i]! * t.kx + t.x - px;
    const dy = layout.y[i]! * t.ky + t.y - py;
    const reach = radius(i) + tolerance;
    if (dx > reach || dx < -reach || dy > reach || dy < -reach) continue;
    const d = Math.hypot(dx, dy);
    if (d <= reach && d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}
