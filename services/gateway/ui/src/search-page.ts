// #/search/<id>: the tree while it grows (the nodes past the ones known, about twice a second), then the final
// tree once the search is over (every node again, for the final values and visits, and the chosen path); the
// search's summary, stats and cost per service beside it, and a node's details on click.
import { ApiError, UnauthorizedError, getSearch, getTree } from './api.js';
import { askForToken } from './auth.js';
import { BIN_COLORS, CHOSEN_COLOR, METRICS, NO_SCORE_COLOR, SELECTED_COLOR, colorAt, type Metric } from './colors.js';
import { facts, h, replace, safeHttpUrl } from './dom.js';
import { formatInt, formatMs, formatReason, formatScore, formatTime, formatUsd } from './format.js';
import { TreeStore, defaultMetric, layoutTree, type LayoutKind } from './tree-model.js';
import { TreeView } from './tree-view.js';
import type { SearchSummary, TreeJson, TreeNodeJson } from './types.js';

/** How often the tree of a running search is polled. */
export const POLL_MS = 500;
/** Re-layout at most this often while the tree grows. */
const LAYOUT_MS = 400;

export type PageStatus = 'loading' | 'live' | 'complete' | 'not-found' | 'error';

export interface SearchPageState {
  status: PageStatus;
  /** Nodes drawn by the last frame. */
  nodeCount: number;
  /** Nodes in the viewport in the last frame. */
  visibleNodes: number;
  totalNodes: number;
  complete: boolean;
  chosenPath: number[];
  selected: number | null;
  frames: number;
  /** Pixels per world unit across and down, and the offset. */
  zoom: { kx: number; ky: number; x: number; y: number };
  metric: Metric;
  layout: LayoutKind;
}

export interface SearchPage {
  element: HTMLElement;
  state(): SearchPageState;
  /** Client coordinates of a drawn node (for tests and deep links). */
  clientPositionOf(id: number): { x: number; y: number } | null;
  zoomBy(factor: number): void;
  fit(): void;
  destroy(): void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

function statusBadge(summary: SearchSummary | null): HTMLElement {
  if (!summary) return h('span', { class: 'badge' }, '…');
  const label = summary.status === 'finished' ? (summary.solved ? 'solved' : formatReason(summary.stop_reason || 'finished')) : summary.status;
  return h('span', { class: `badge status-${summary.status}${summary.solved ? ' solved' : ''}`, title: summary.stop_reason ? `stop reason: ${formatReason(summary.stop_reason)}` : '' }, label);
}

function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>, numeric: ReadonlySet<number>): HTMLTableElement {
  return h(
    'table',
    { class: 'compact' },
    h('thead', {}, h('tr', {}, ...headers.map((label, i) => h('th', { class: numeric.has(i) ? 'num' : '' }, label)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell, i) => h('td', { class: numeric.has(i) ? 'num' : '' }, cell))))),
  );
}

function summaryPanel(summary: SearchSummary): HTMLElement {
  const trace = safeHttpUrl(summary.trace_url);
  const stats = summary.stats;
  const section = h(
    'section',
    { class: 'panel', id: 'summary-panel' },
    h('h2', {}, 'Search'),
    facts([
      ['Problem', summary.problem_id || '–'],
      ['Task', summary.task],
      ['Algorithm', summary.algorithm],
      ['Status', statusBadge(summary)],
      ['Stop reason', summary.stop_reason ? formatReason(summary.stop_reason) : '–'],
      ['Answer', summary.answer ? h('code', { class: 'answer' }, summary.answer) : '–'],
      ['Score', formatScore(summary.score)],
      ['Started', formatTime(summary.started_at)],
      ['Finished', formatTime(summary.finished_at)],
      ...(summary.error ? ([['Error', h('span', { class: 'error-text' }, summary.error)]] as const) : []),
      [
        'Trace',
        trace
          ? h('a', { href: trace, target: '_blank', rel: 'noopener noreferrer', id: 'trace-link' }, summary.trace_id || 'open trace')
          : summary.trace_id
            ? h('code', {}, summary.trace_id)
            : '–',
      ],
    ]),
    h('h3', {}, 'Stats'),
    facts(
      [
        ['Expansions', formatInt(stats.expansions)],
        ['Nodes', formatInt(stats.nodes)],
        ['Depth', formatInt(stats.depth)],
        ['Model calls', formatInt(stats.model_calls)],
        ['Input tokens', formatInt(stats.input_tokens)],
        ['Cached input', formatInt(stats.cached_input_tokens)],
        ['Output tokens', formatInt(stats.output_tokens)],
        ['Cost', formatUsd(stats.cost_usd)],
        ['Wall time', formatMs(stats.wall_ms)],
      ],
      'facts stats',
    ),
    h('h3', {}, 'Cost per service'),
    summary.cost.length === 0
      ? h('p', { class: 'muted' }, 'No model calls yet.')
      : table(
          ['Service', 'Calls', 'In', 'Out', 'Cost'],
          summary.cost.map((c) => [c.service, formatInt(c.calls), formatInt(c.input_tokens), formatInt(c.output_tokens), formatUsd(c.cost_usd)]),
          new Set([1, 2, 3, 4]),
        ),
  );
  section.dataset.status = summary.status;
  return section;
}

function nodePanel(node: TreeNodeJson, chosen: boolean, children: number, onSelect: (id: number) => void, onFocus: (id: number) => void): HTMLElement {
  const parentButton = h('button', { type: 'button', class: 'link-button' }, `#${node.parent_id}`);
  parentButton.addEventListener('click', () => onSelect(node.parent_id));
  const focusButton = h('button', { type: 'button' }, 'Centre on it');
  focusButton.addEventListener('click', () => onFocus(node.id));
  const panel = h(
    'section',
    { class: 'panel node-panel', id: 'node-panel', data: { nodeId: String(node.id) } },
    h('h2', {}, `Node #${node.id}`, chosen ? h('span', { class: 'badge chosen' }, 'chosen path') : null, node.terminal ? h('span', { class: 'badge' }, 'terminal') : null),
    h('pre', { class: 'step-text', id: 'node-text' }, node.text || (node.id === node.parent_id ? '(the problem: root)' : '(empty step)')),
    facts([
      ['Parent', node.id === node.parent_id ? '–' : parentButton],
      ['Depth', formatInt(node.depth)],
      ['Children', formatInt(children)],
      ['Value', formatScore(node.value)],
      ['Reward', formatScore(node.reward)],
      ['Outcome', formatScore(node.outcome)],
      ['Visits', formatInt(node.visits)],
      ['Tokens', formatInt(node.tokens)],
      ['Expanded', node.expanded ? 'yes' : 'no'],
      ...(node.answer ? ([['Answer', h('code', { class: 'answer' }, node.answer)]] as const) : []),
    ]),
    h('div', { class: 'actions' }, focusButton),
  );
  return panel;
}

function legend(metric: Metric, domain: { min: number; max: number }): HTMLElement {
  const ramp = h('canvas', { class: 'ramp', 'aria-hidden': 'true' });
  ramp.width = 160;
  ramp.height = 10;
  const ctx = ramp.getContext('2d');
  if (ctx) {
    for (let x = 0; x < ramp.width; x++) {
      ctx.fillStyle = colorAt(x / (ramp.width - 1));
      ctx.fillRect(x, 0, 1, ramp.height);
    }
  }
  const swatch = (color: string, shape: 'dot' | 'square' | 'line' | 'ring') => {
    const s = h('span', { class: `swatch ${shape}` });
    s.style.setProperty('--swatch', color);
    return s;
  };
  return h(
    'div',
    { class: 'legend', id: 'legend' },
    h('div', { class: 'legend-ramp' }, h('span', { class: 'legend-title' }, metric), h('span', {}, formatScore(domain.min)), ramp, h('span', {}, formatScore(domain.max))),
    h(
      'div',
      { class: 'legend-keys' },
      h('span', {}, swatch(NO_SCORE_COLOR, 'dot'), `no ${metric}`),
      h('span', {}, swatch(BIN_COLORS[20]!, 'square'), 'terminal'),
      h('span', {}, swatch(CHOSEN_COLOR, 'line'), 'chosen path'),
      h('span', {}, swatch(SELECTED_COLOR, 'ring'), 'selected'),
      h('span', {}, 'size: visits'),
    ),
  );
}

export function searchPage(searchId: string): SearchPage {
  const abort = new AbortController();
  const store = new TreeStore();
  let summary: SearchSummary | null = null;
  let status: PageStatus = 'loading';
  let totalNodes = 0;
  let complete = false;
  let chosenPath: number[] = [];
  let selected: TreeNodeJson | null = null;
  let metric: Metric | null = null;
  let layoutKind: LayoutKind = 'tidy';
  let laidOutVersion = -1;
  let lastLayoutAt = 0;
  let layoutTimer = 0;
  let children = new Map<number, number>();

  const counter = h('span', { class: 'counter', id: 'node-counter', 'aria-live': 'polite' }, '');
  const badge = h('span', { id: 'search-status' }, statusBadge(null));
  const message = h('div', { class: 'message', id: 'tree-message' }, 'Loading the tree…');
  const canvas = h('canvas', { id: 'tree-canvas', 'aria-label': 'The search tree: drag to pan, wheel or + and - to zoom, 0 to fit, click a node for its details' });
  const tooltip = h('div', { class: 'tooltip', id: 'tree-tooltip', role: 'tooltip' });
  tooltip.hidden = true;
  const legendSlot = h('div', { class: 'legend-slot' });
  const summarySlot = h('div', { id: 'summary-slot' }, h('section', { class: 'panel' }, h('p', { class: 'muted' }, 'Loading the search…')));
  const nodeSlot = h('div', { id: 'node-slot' }, h('section', { class: 'panel muted-panel' }, h('p', { class: 'muted' }, 'Click a node to see its step, scores, visits and tokens.')));

  const metricSelect = h('select', { id: 'metric-select', 'aria-label': 'Colour nodes by' }, ...METRICS.map((m) => h('option', { value: m }, m)));
  const layoutSelect = h('select', { id: 'layout-select', 'aria-label': 'Layout' }, h('option', { value: 'tidy' }, 'tidy'), h('option', { value: 'radial' }, 'radial'));
  const zoomIn = h('button', { type: 'button', id: 'zoom-in', title: 'Zoom in (+)' }, '+');
  const zoomOut = h('button', { type: 'button', id: 'zoom-out', title: 'Zoom out (-)' }, '−');
  const fitButton = h('button', { type: 'button', id: 'zoom-fit', title: 'Fit the whole tree (0)' }, 'Fit');

  const element = h(
    'div',
    { class: 'search-page' },
    h('div', { class: 'page-head' }, h('a', { href: '#/', class: 'back' }, '← Searches'), h('h1', {}, 'Search ', h('code', {}, searchId)), badge, counter),
    h(
      'div',
      { class: 'search-body' },
      h(
        'div',
        { class: 'tree-column' },
        h(
          'div',
          { class: 'toolbar' },
          h('label', {}, 'Colour ', metricSelect),
          h('label', {}, 'Layout ', layoutSelect),
          h('span', { class: 'zoom-buttons' }, zoomOut, zoomIn, fitButton),
          legendSlot,
        ),
        h('div', { class: 'tree-area' }, canvas, message, tooltip),
      ),
      h('aside', { class: 'sidebar' }, summarySlot, nodeSlot),
    ),
  );

  const view = new TreeView(canvas, {
    onSelect: (node) => showNode(node),
    onHover: (node, clientX, clientY) => {
      if (!node) {
        tooltip.hidden = true;
        return;
      }
      replace(
        tooltip,
        h('div', { class: 'tooltip-title' }, `#${node.id}`, node.terminal ? ' · terminal' : '', chosenPath.includes(node.id) ? ' · chosen' : ''),
        h('div', { class: 'tooltip-text' }, node.text.length > 160 ? `${node.text.slice(0, 159)}…` : node.text || '(root)'),
        h('div', {}, `value ${formatScore(node.value)} · reward ${formatScore(node.reward)} · outcome ${formatScore(node.outcome)}`),
        h('div', {}, `visits ${formatInt(node.visits)} · tokens ${formatInt(node.tokens)}`),
      );
      tooltip.hidden = false;
      // Beside the pointer, flipped to its left or above it near the canvas' edges.
      const area = tooltip.parentElement!.getBoundingClientRect();
      const x = clientX - area.left;
      const y = clientY - area.top;
      const left = x + 14 + tooltip.offsetWidth > area.width ? x - 14 - tooltip.offsetWidth : x + 14;
      const top = y + 14 + tooltip.offsetHeight > area.height ? y - 14 - tooltip.offsetHeight : y + 14;
      tooltip.style.left = `${Math.max(4, left)}px`;
      tooltip.style.top = `${Math.max(4, top)}px`;
    },
    onDraw: (drawn) => {
      element.dataset.nodeCount = String(drawn.drawnNodes);
      if (status === 'complete' && laidOutVersion === store.version) element.dataset.status = 'complete';
    },
  });

  function setStatus(next: PageStatus): void {
    status = next;
    // "complete" is set once the final tree has been drawn (onDraw), so a test reading it sees the final count.
    if (next !== 'complete') element.dataset.status = next;
  }
  setStatus('loading');

  function showNode(node: TreeNodeJson | null): void {
    selected = node;
    view.select(node?.id ?? null);
    if (!node) {
      replace(nodeSlot, h('section', { class: 'panel muted-panel' }, h('p', { class: 'muted' }, 'Click a node to see its step, scores, visits and tokens.')));
      return;
    }
    replace(
      nodeSlot,
      nodePanel(
        node,
        chosenPath.includes(node.id),
        children.get(node.id) ?? 0,
        (id) => showNode(store.get(id) ?? null),
        (id) => view.focus(id),
      ),
    );
  }

  function updateCounter(): void {
    const drawn = store.size;
    replace(counter, complete ? `${formatInt(drawn)} nodes` : `${formatInt(drawn)} of ${formatInt(totalNodes)} nodes · live`);
  }

  function relayout(): void {
    layoutTimer = 0;
    lastLayoutAt = performance.now();
    const nodes = store.nodes();
    if (metric === null && nodes.length > 1) {
      metric = defaultMetric(nodes);
      metricSelect.value = metric;
      view.setMetric(metric);
    }
    const layout = layoutTree(store, layoutKind);
    laidOutVersion = layout.version;
    children = new Map();
    for (const node of nodes) if (node.parent_id !== node.id) children.set(node.parent_id, (children.get(node.parent_id) ?? 0) + 1);
    view.setLayout(layout);
    replace(legendSlot, legend(view.currentMetric, view.currentDomain));
    if (layout.count > 0) message.hidden = true;
    if (selected) {
      const fresh = store.get(selected.id);
      if (fresh && fresh !== selected) showNode(fresh);
    }
  }

  /** Lays out now, or within LAYOUT_MS of the last layout (a live tree grows by many small batches). */
  function scheduleLayout(immediate: boolean): void {
    if (immediate) {
      if (layoutTimer) clearTimeout(layoutTimer);
      relayout();
      return;
    }
    if (layoutTimer) return;
    const wait = Math.max(0, LAYOUT_MS - (performance.now() - lastLayoutAt));
    layoutTimer = window.setTimeout(relayout, wait);
  }

  function showSummary(next: SearchSummary): void {
    summary = next;
    replace(summarySlot, summaryPanel(next));
    replace(badge, statusBadge(next));
  }

  async function refreshSummary(): Promise<void> {
    try {
      showSummary(await getSearch(searchId, abort.signal));
    } catch (err) {
      if (err instanceof UnauthorizedError || abort.signal.aborted) throw err;
      // A summary that could not be read leaves the last one shown; the tree's own errors are reported below.
    }
  }

  function applyTree(tree: TreeJson): void {
    totalNodes = tree.total_nodes;
    store.merge(tree.nodes);
  }

  async function run(): Promise<void> {
    let polls = 0;
    let first = true;
    while (!abort.signal.aborted) {
      try {
        if (polls % 2 === 0 || first) await refreshSummary();
        const since = store.nextSince;
        const tree = await getTree(searchId, since, abort.signal);
        applyTree(tree);
        if (tree.complete) {
          // The final tree: every node again (values and visits changed as the search went on), and the chosen path.
          const final = since === 0 ? tree : await getTree(searchId, 0, abort.signal);
          applyTree(final);
          chosenPath = final.chosen_path;
          complete = true;
          await refreshSummary();
          view.setChosenPath(chosenPath);
          setStatus('complete');
          updateCounter();
          scheduleLayout(true);
          if (store.size === 0) replace(message, 'This search has no tree.');
          return;
        }
        setStatus('live');
        updateCounter();
        scheduleLayout(first);
        first = false;
        polls++;
        await sleep(POLL_MS, abort.signal);
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof UnauthorizedError) {
          await askForToken(err.message);
          continue;
        }
        if (err instanceof ApiError && err.status === 404 && summary?.status === 'running' && store.size === 0) {
          // Listed as running, but its tree not there yet (it is made as the search starts): ask again shortly.
          await sleep(POLL_MS, abort.signal);
          continue;
        }
        if (err instanceof ApiError && err.status === 404) {
          setStatus('not-found');
          message.hidden = false;
          replace(message, err.message || `No search ${searchId}.`);
          return;
        }
        setStatus('error');
        message.hidden = false;
        replace(message, `Could not read the tree: ${err instanceof Error ? err.message : String(err)}. Trying again…`);
        await sleep(2_000, abort.signal);
      }
    }
  }

  metricSelect.addEventListener('change', () => {
    metric = metricSelect.value as Metric;
    view.setMetric(metric);
    replace(legendSlot, legend(view.currentMetric, view.currentDomain));
  });
  layoutSelect.addEventListener('change', () => {
    layoutKind = layoutSelect.value as LayoutKind;
    relayout();
    view.fit();
  });
  zoomIn.addEventListener('click', () => view.zoomBy(1.6));
  zoomOut.addEventListener('click', () => view.zoomBy(1 / 1.6));
  fitButton.addEventListener('click', () => view.fit());

  void run();

  return {
    element,
    state: () => ({
      status,
      nodeCount: view.drawnNodes,
      visibleNodes: view.visibleNodes,
      totalNodes,
      complete,
      chosenPath: [...chosenPath],
      selected: selected?.id ?? null,
      frames: view.frames,
      zoom: view.zoom,
      metric: view.currentMetric,
      layout: layoutKind,
    }),
    clientPositionOf: (id) => view.clientPositionOf(id),
    zoomBy: (factor) => view.zoomBy(factor),
    fit: () => view.fit(),
    destroy() {
      abort.abort();
      if (layoutTimer) clearTimeout(layoutTimer);
      view.destroy();
    },
  };
}
