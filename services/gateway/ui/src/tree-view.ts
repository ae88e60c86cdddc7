// The tree on a <canvas>: one path for the edges and one fill per colour bin for the nodes (so 10 k nodes cost a
// few dozen draw calls), culled to the viewport; wheel zoom around the pointer, drag to pan, click to select
// (hit-testing against the layout), keyboard + - 0 and arrows.
//
// The tidy layout is stretched to fill the viewport, breadth and depth apart: a search tree is often thousands of
// leaves wide and a handful of levels deep, and one scale for both would show it as a thin line. Zooming scales
// both until the levels are LEVEL_PIXELS apart, then the breadth alone (shift+wheel: the breadth only). The
// radial layout keeps one scale.
import { BIN_COLORS, BINS, CHOSEN_COLOR, NO_SCORE_COLOR, SELECTED_COLOR, binOf, domainOf, type Domain, type Metric } from './colors.js';
import { LEAF_SPACING, LEVEL_SPACING, nodeAt, scoreOf, type Layout, type ViewTransform } from './tree-model.js';
import type { TreeNodeJson } from './types.js';

export interface TreeViewEvents {
  onSelect(node: TreeNodeJson | null): void;
  onHover(node: TreeNodeJson | null, clientX: number, clientY: number): void;
  /** After each frame drawn. */
  onDraw?(view: TreeView): void;
}

export type Transform = ViewTransform;

const PADDING = 28;
/** Largest zoom: leaves this many pixels apart. */
const MAX_LEAF_PIXELS = 240;
/** Levels of the tidy layout at most this many pixels apart (when fitted, and when zoomed in). */
const LEVEL_PIXELS = 150;
/** A fitted tree's leaves at most this many pixels apart (a tree of five nodes is not blown up to fill a screen). */
const FIT_LEAF_PIXELS = 60;
/** Labels are drawn once leaves are this many pixels apart. */
const LABEL_LEAF_PIXELS = 70;
const MAX_LABELS = 400;

export class TreeView {
  readonly canvas: HTMLCanvasElement;
  private readonly context: CanvasRenderingContext2D;
  private readonly events: TreeViewEvents;
  private layout: Layout | null = null;
  private transform: Transform = { kx: 1, ky: 1, x: 0, y: 0 };
  /** Refit when the tree grows, until the user zooms or pans. */
  private follow = true;
  private metric: Metric = 'value';
  private domain: Domain = { min: 0, max: 1 };
  private bins: Int16Array = new Int16Array(0);
  private chosenIds: readonly number[] = [];
  private selectedId: number | null = null;
  private hoveredId: number | null = null;
  private frame = 0;
  private pending = 0;
  private width = 0;
  private height = 0;
  private readonly resizeObserver: ResizeObserver;
  private drag: { pointerId: number; startX: number; startY: number; x: number; y: number; moved: boolean } | null = null;
  /** Nodes of the layout drawn by the last frame, and of those the ones inside the viewport. */
  drawnNodes = 0;
  visibleNodes = 0;

  constructor(canvas: HTMLCanvasElement, events: TreeViewEvents) {
    this.canvas = canvas;
    const context = canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('this browser cannot draw on a canvas');
    this.context = context;
    this.events = events;
    canvas.tabIndex = 0;
    canvas.addEventListener('wheel', this.onWheel, { passive: false });
    canvas.addEventListener('pointerdown', this.onPointerDown);
    canvas.addEventListener('pointermove', this.onPointerMove);
    canvas.addEventListener('pointerup', this.onPointerUp);
    canvas.addEventListener('pointercancel', this.onPointerCancel);
    canvas.addEventListener('pointerleave', this.onPointerLeave);
    canvas.addEventListener('dblclick', this.onDoubleClick);
    canvas.addEventListener('keydown', this.onKeyDown);
    this.resizeObserver = new ResizeObserver(() => this.resize());
    this.resizeObserver.observe(canvas);
    this.resize();
  }

  destroy(): void {
    this.resizeObserver.disconnect();
    if (this.pending) cancelAnimationFrame(this.pending);
    this.pending = 0;
  }

  get frames(): number {
    return this.frame;
  }

  get zoom(): Transform {
    return { ...this.transform };
  }

  get currentMetric(): Metric {
    return this.metric;
  }

  get currentDomain(): Domain {
    return this.domain;
  }

  setLayout(layout: Layout): void {
    if (this.layout && this.layout.kind !== layout.kind) {
      // Everything moved: the tooltip would point at nothing.
      this.hoveredId = null;
      this.events.onHover(null, 0, 0);
    }
    this.layout = layout;
    this.recolor();
    if (this.follow) this.fitTransform();
    this.requestDraw();
  }

  setMetric(metric: Metric): void {
    this.metric = metric;
    this.recolor();
    this.requestDraw();
  }

  setChosenPath(ids: readonly number[]): void {
    this.chosenIds = ids;
    this.requestDraw();
  }

  select(id: number | null): void {
    this.selectedId = id;
    this.requestDraw();
  }

  /** Fits the whole tree in the viewport, and keeps fitting it as it grows. */
  fit(): void {
    this.follow = true;
    this.fitTransform();
    this.requestDraw();
  }

  /** Zooms by `factor` around a point of the canvas (its centre by default); `breadthOnly` leaves depth as is. */
  zoomBy(factor: number, cx = this.width / 2, cy = this.height / 2, breadthOnly = false): void {
    const { kx, ky, x, y } = this.transform;
    const nextKx = Math.min(this.maxKx(), Math.max(this.minKx(), kx * factor));
    let nextKy = ky;
    if (this.isRadial()) nextKy = nextKx;
    else if (!breadthOnly) nextKy = Math.min(Math.max(ky, LEVEL_PIXELS / LEVEL_SPACING), Math.max(this.fitScales().ky / 2, ky * factor));
    if (nextKx === kx && nextKy === ky) return;
    this.follow = false;
    this.transform = { kx: nextKx, ky: nextKy, x: cx - ((cx - x) * nextKx) / kx, y: cy - ((cy - y) * nextKy) / ky };
    this.requestDraw();
  }

  panBy(dx: number, dy: number): void {
    this.follow = false;
    this.transform = { ...this.transform, x: this.transform.x + dx, y: this.transform.y + dy };
    this.requestDraw();
  }

  /** Where a node is drawn, in the page's client coordinates (null when it is not laid out). */
  clientPositionOf(id: number): { x: number; y: number } | null {
    const i = this.layout?.indexOf.get(id);
    if (i === undefined || !this.layout) return null;
    const rect = this.canvas.getBoundingClientRect();
    return { x: rect.left + this.layout.x[i]! * this.transform.kx + this.transform.x, y: rect.top + this.layout.y[i]! * this.transform.ky + this.transform.y };
  }

  /** Centres the view on a node, zoomed in far enough to tell it from its neighbours. */
  focus(id: number): void {
    const i = this.layout?.indexOf.get(id);
    if (i === undefined || !this.layout) return;
    this.follow = false;
    const kx = Math.max(this.transform.kx, Math.min(this.maxKx(), 24 / LEAF_SPACING));
    const ky = this.isRadial() ? kx : Math.max(this.transform.ky, Math.min(LEVEL_PIXELS / LEVEL_SPACING, this.transform.ky * 4));
    this.transform = { kx, ky, x: this.width / 2 - this.layout.x[i]! * kx, y: this.height / 2 - this.layout.y[i]! * ky };
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  private recolor(): void {
    const layout = this.layout;
    if (!layout) return;
    const scores: number[] = [];
    for (const node of layout.nodes) {
      const s = scoreOf(node, this.metric);
      if (s !== null) scores.push(s);
    }
    this.domain = domainOf(scores);
    this.bins = new Int16Array(layout.count);
    for (let i = 0; i < layout.count; i++) this.bins[i] = binOf(scoreOf(layout.nodes[i]!, this.metric), this.domain);
  }

  private resize(): void {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(1, rect.width);
    this.height = Math.max(1, rect.height);
    this.canvas.width = Math.round(this.width * ratio);
    this.canvas.height = Math.round(this.height * ratio);
    if (this.follow) this.fitTransform();
    this.draw();
  }

  private isRadial(): boolean {
    return this.layout?.kind === 'radial';
  }

  /** The scales that show the whole tree: one for both axes in the radial layout. */
  private fitScales(): { kx: number; ky: number } {
    const layout = this.layout;
    if (!layout || layout.count === 0) return { kx: 1, ky: 1 };
    const margin = LEAF_SPACING;
    const w = layout.maxX - layout.minX + 2 * margin;
    const h = layout.maxY - layout.minY + 2 * margin;
    const kx = Math.max(1e-4, (this.width - 2 * PADDING) / w);
    const ky = Math.max(1e-4, (this.height - 2 * PADDING) / h);
    if (layout.kind === 'radial') {
      const k = Math.min(kx, ky, FIT_LEAF_PIXELS / LEAF_SPACING);
      return { kx: k, ky: k };
    }
    return { kx: Math.min(kx, FIT_LEAF_PIXELS / LEAF_SPACING), ky: Math.min(ky, LEVEL_PIXELS / LEVEL_SPACING) };
  }

  private minKx(): number {
    return this.fitScales().kx / 2;
  }

  private maxKx(): number {
    return Math.max(this.fitScales().kx * 2, MAX_LEAF_PIXELS / LEAF_SPACING);
  }

  private fitTransform(): void {
    const layout = this.layout;
    if (!layout || layout.count === 0) return;
    const { kx, ky } = this.fitScales();
    const cx = (layout.minX + layout.maxX) / 2;
    const cy = (layout.minY + layout.maxY) / 2;
    // The tidy tree hangs from the top; the radial one sits in the middle.
    const y = layout.kind === 'radial' ? this.height / 2 - cy * ky : PADDING + LEAF_SPACING * ky - layout.minY * ky;
    this.transform = { kx, ky, x: this.width / 2 - cx * kx, y };
  }

  private draw(): void {
    const ctx = this.context;
    const ratio = this.canvas.width / this.width;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.width, this.height);
    const layout = this.layout;
    this.frame++;
    if (!layout || layout.count === 0) {
      this.drawnNodes = 0;
      this.visibleNodes = 0;
      this.events.onDraw?.(this);
      return;
    }
    const { kx, ky, x: tx, y: ty } = this.transform;
    const xs = layout.x;
    const ys = layout.y;
    const W = this.width;
    const H = this.height;
    const sx = (i: number) => xs[i]! * kx + tx;
    const sy = (i: number) => ys[i]! * ky + ty;
    const outside = (px: number, py: number, pad: number) => px < -pad || py < -pad || px > W + pad || py > H + pad;

    // Edges: one path.
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(110, 118, 129, 0.55)';
    ctx.beginPath();
    for (let i = 0; i < layout.count; i++) {
      const p = layout.parent[i]!;
      if (p < 0) continue;
      const x1 = sx(p);
      const y1 = sy(p);
      const x2 = sx(i);
      const y2 = sy(i);
      if ((x1 < 0 && x2 < 0) || (x1 > W && x2 > W) || (y1 < 0 && y2 < 0) || (y1 > H && y2 > H)) continue;
      ctx.moveTo(x1, y1);
      ctx.lineTo(x2, y2);
    }
    ctx.stroke();

    // The chosen path, over the other edges.
    const chosen: number[] = [];
    for (const id of this.chosenIds) {
      const i = layout.indexOf.get(id);
      if (i !== undefined) chosen.push(i);
    }
    if (chosen.length > 1) {
      ctx.lineWidth = 3.5;
      ctx.strokeStyle = CHOSEN_COLOR;
      ctx.lineJoin = 'round';
      ctx.beginPath();
      ctx.moveTo(sx(chosen[0]!), sy(chosen[0]!));
      for (const i of chosen.slice(1)) ctx.lineTo(sx(i), sy(i));
      ctx.stroke();
    }

    // Nodes: one fill per colour bin (and one for no score); terminal nodes as squares.
    const radius = this.radiusFunction(layout);
    const byBin: number[][] = Array.from({ length: BINS + 1 }, () => []);
    let visible = 0;
    for (let i = 0; i < layout.count; i++) {
      const px = sx(i);
      const py = sy(i);
      if (outside(px, py, radius(i) + 2)) continue;
      visible++;
      byBin[this.bins[i]! + 1]!.push(i);
    }
    for (let b = 0; b <= BINS; b++) {
      const members = byBin[b]!;
      if (members.length === 0) continue;
      ctx.fillStyle = b === 0 ? NO_SCORE_COLOR : BIN_COLORS[b - 1]!;
      ctx.beginPath();
      for (const i of members) {
        const px = sx(i);
        const py = sy(i);
        const r = radius(i);
        if (layout.nodes[i]!.terminal) {
          ctx.rect(px - r, py - r, 2 * r, 2 * r);
        } else if (r < 2.5) {
          ctx.rect(px - r, py - r, 2 * r, 2 * r);
        } else {
          ctx.moveTo(px + r, py);
          ctx.arc(px, py, r, 0, 2 * Math.PI);
        }
      }
      ctx.fill();
    }
    ctx.lineWidth = 2;
    ctx.strokeStyle = CHOSEN_COLOR;
    ctx.beginPath();
    for (const i of chosen) {
      const r = radius(i) + 2;
      ctx.moveTo(sx(i) + r, sy(i));
      ctx.arc(sx(i), sy(i), r, 0, 2 * Math.PI);
    }
    ctx.stroke();

    // Labels, once zoomed in far enough to read them.
    const leafPixels = LEAF_SPACING * kx;
    if (leafPixels >= LABEL_LEAF_PIXELS && (this.isRadial() || LEVEL_SPACING * ky >= 40) && visible <= MAX_LABELS * 4) {
      ctx.font = '11px system-ui, sans-serif';
      ctx.fillStyle = '#1f2328';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const maxChars = Math.max(6, Math.floor(leafPixels / 6.5));
      let labels = 0;
      for (let i = 0; i < layout.count && labels < MAX_LABELS; i++) {
        const px = sx(i);
        const py = sy(i);
        if (outside(px, py, 0)) continue;
        const text = layout.nodes[i]!.text.replace(/\s+/g, ' ').trim();
        if (!text) continue;
        ctx.fillText(text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text, px, py + radius(i) + 3);
        labels++;
      }
    }

    for (const [id, color, width] of [
      [this.hoveredId, 'rgba(31, 35, 40, 0.6)', 1.5],
      [this.selectedId, SELECTED_COLOR, 3],
    ] as const) {
      if (id === null) continue;
      const i = layout.indexOf.get(id);
      if (i === undefined) continue;
      ctx.lineWidth = width;
      ctx.strokeStyle = color;
      ctx.beginPath();
      ctx.arc(sx(i), sy(i), radius(i) + 4, 0, 2 * Math.PI);
      ctx.stroke();
    }

    this.drawnNodes = layout.count;
    this.visibleNodes = visible;
    this.events.onDraw?.(this);
  }

  private pointAt(clientX: number, clientY: number): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: clientX - rect.left, y: clientY - rect.top };
  }

  /** A node's drawn radius in pixels: its visits' share of the spacing between leaves, never too small to see. */
  private radiusFunction(layout: Layout): (i: number) => number {
    const { kx, ky } = this.transform;
    const leafPixels = LEAF_SPACING * kx;
    const minRadius = leafPixels >= 8 ? 2.5 : 1.5;
    const maxRadius = Math.max(minRadius, Math.min(40, this.isRadial() ? Infinity : (LEVEL_SPACING * ky) / 3));
    return (i) => Math.min(maxRadius, Math.max(minRadius, layout.r[i]! * kx));
  }

  /** The node under a canvas point: within its drawn radius, or 6 px of it. */
  private hit(px: number, py: number): TreeNodeJson | null {
    const layout = this.layout;
    if (!layout) return null;
    const i = nodeAt(layout, this.transform, px, py, this.radiusFunction(layout), 6);
    return i >= 0 ? layout.nodes[i]! : null;
  }

  private readonly onWheel = (event: WheelEvent): void => {
    event.preventDefault();
    const scale = event.deltaMode === 1 ? 0.05 : event.deltaMode === 2 ? 1 : 0.0015;
    const { x, y } = this.pointAt(event.clientX, event.clientY);
    this.zoomBy(Math.exp(-event.deltaY * scale), x, y, event.shiftKey);
    this.hover(event.clientX, event.clientY);
  };

  private readonly onPointerDown = (event: PointerEvent): void => {
    if (event.button !== 0) return;
    this.canvas.focus({ preventScroll: true });
    this.canvas.setPointerCapture(event.pointerId);
    this.drag = { pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, x: event.clientX, y: event.clientY, moved: false };
  };

  private readonly onPointerMove = (event: PointerEvent): void => {
    const drag = this.drag;
    if (drag && drag.pointerId === event.pointerId) {
      if (!drag.moved && Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) > 4) {
        drag.moved = true;
        this.canvas.classList.add('panning');
      }
      if (drag.moved) {
        this.panBy(event.clientX - drag.x, event.clientY - drag.y);
        drag.x = event.clientX;
        drag.y = event.clientY;
      }
      return;
    }
    this.hover(event.clientX, event.clientY);
  };

  /** The node under the pointer, after it moved or the view moved under it. */
  private hover(clientX: number, clientY: number): void {
    const { x, y } = this.pointAt(clientX, clientY);
    const node = this.hit(x, y);
    const id = node?.id ?? null;
    if (id !== this.hoveredId) {
      this.hoveredId = id;
      this.canvas.classList.toggle('over-node', id !== null);
      this.requestDraw();
    }
    this.events.onHover(node, clientX, clientY);
  }

  private readonly onPointerUp = (event: PointerEvent): void => {
    const drag = this.drag;
    if (!drag || drag.pointerId !== event.pointerId) return;
    this.drag = null;
    this.canvas.classList.remove('panning');
    if (drag.moved) return;
    const { x, y } = this.pointAt(event.clientX, event.clientY);
    const node = this.hit(x, y);
    this.select(node?.id ?? null);
    this.events.onSelect(node);
  };

  private readonly onPointerCancel = (): void => {
    this.drag = null;
    this.canvas.classList.remove('panning');
  };

  private readonly onPointerLeave = (): void => {
    if (this.hoveredId !== null) {
      this.hoveredId = null;
      this.requestDraw();
    }
    this.events.onHover(null, 0, 0);
  };

  private readonly onDoubleClick = (event: MouseEvent): void => {
    const { x, y } = this.pointAt(event.clientX, event.clientY);
    this.zoomBy(event.shiftKey ? 0.5 : 2, x, y);
  };

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const step = 60;
    const actions: Record<string, () => void> = {
      '+': () => this.zoomBy(1.5),
      '=': () => this.zoomBy(1.5),
      '-': () => this.zoomBy(1 / 1.5),
      '0': () => this.fit(),
      ArrowLeft: () => this.panBy(step, 0),
      ArrowRight: () => this.panBy(-step, 0),
      ArrowUp: () => this.panBy(0, step),
      ArrowDown: () => this.panBy(0, -step),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
}
