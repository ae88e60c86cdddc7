// #/: the caller's recent searches, newest first, refreshed every few seconds.
import { UnauthorizedError, listSearches } from './api.js';
import { askForToken } from './auth.js';
import { h, replace } from './dom.js';
import { formatInt, formatReason, formatTime, formatUsd } from './format.js';
import type { SearchSummary } from './types.js';

export const LIST_REFRESH_MS = 3_000;
const LIMIT = 200;

export interface ListPage {
  element: HTMLElement;
  /** The search ids shown, in order. */
  shown(): string[];
  destroy(): void;
}

function statusCell(s: SearchSummary): HTMLElement {
  const label = s.status === 'finished' ? (s.solved ? 'solved' : formatReason(s.stop_reason || 'finished')) : s.status;
  return h('span', { class: `badge status-${s.status}${s.solved ? ' solved' : ''}`, title: s.error || (s.stop_reason ? `stop reason: ${formatReason(s.stop_reason)}` : '') }, label);
}

function row(s: SearchSummary): HTMLTableRowElement {
  const href = `#/search/${encodeURIComponent(s.search_id)}`;
  const tokens = s.stats.input_tokens + s.stats.output_tokens;
  const tr = h(
    'tr',
    { class: 'search-row', data: { searchId: s.search_id, status: s.status } },
    h('td', {}, h('a', { href }, formatTime(s.started_at))),
    h('td', { title: s.search_id }, h('a', { href, class: 'search-id' }, s.search_id.length > 13 ? `${s.search_id.slice(0, 12)}…` : s.search_id)),
    h('td', {}, s.problem_id || '–'),
    h('td', {}, s.task),
    h('td', {}, s.algorithm),
    h('td', {}, statusCell(s)),
    h('td', { class: 'num', title: `${formatInt(s.stats.input_tokens)} in, ${formatInt(s.stats.output_tokens)} out` }, formatInt(tokens)),
    h('td', { class: 'num' }, formatUsd(s.stats.cost_usd)),
  );
  // The whole row opens the search, not only its links.
  tr.addEventListener('click', (event) => {
    if (!(event.target instanceof HTMLAnchorElement)) window.location.hash = href;
  });
  return tr;
}

export function listPage(): ListPage {
  const abort = new AbortController();
  let shown: string[] = [];
  const tbody = h('tbody', {});
  const note = h('p', { class: 'muted', id: 'list-note' }, 'Loading…');
  const updated = h('span', { class: 'muted updated' });
  const element = h(
    'div',
    { class: 'list-page' },
    h('div', { class: 'page-head' }, h('h1', {}, 'Recent searches'), updated),
    h(
      'table',
      { class: 'searches', id: 'searches' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, 'Started'),
          h('th', {}, 'Search'),
          h('th', {}, 'Problem'),
          h('th', {}, 'Task'),
          h('th', {}, 'Algorithm'),
          h('th', {}, 'Status'),
          h('th', { class: 'num' }, 'Tokens'),
          h('th', { class: 'num' }, 'Cost'),
        ),
      ),
      tbody,
    ),
    note,
  );
  element.dataset.status = 'loading';

  async function refresh(): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        const { searches } = await listSearches(LIMIT, abort.signal);
        replace(tbody, ...searches.map(row));
        shown = searches.map((s) => s.search_id);
        note.hidden = searches.length > 0;
        replace(note, 'No searches yet. Run one (POST /v1/chat/completions, or the gRPC API) and it shows here.');
        replace(updated, `updated ${formatTime(new Date().toISOString()).slice(11)}`);
        element.dataset.count = String(searches.length);
        element.dataset.status = 'loaded';
      } catch (err) {
        if (abort.signal.aborted) return;
        if (err instanceof UnauthorizedError) {
          await askForToken(err.message);
          continue;
        }
        element.dataset.status = 'error';
        note.hidden = false;
        replace(note, `Could not list the searches: ${err instanceof Error ? err.message : String(err)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, LIST_REFRESH_MS);
        abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
  void refresh();

  return {
    element,
    shown: () => [...shown],
    destroy: () => abort.abort(),
  };
}
