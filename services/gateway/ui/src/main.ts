// The tree viewer: one page at /ui with hash routes, #/ (recent searches) and #/search/<id> (one search's tree).
// window.arborViewer is a small read-only hook for the browser tests (and for anyone scripting the page).
import { storedToken, storeToken } from './api.js';
import { h, replace } from './dom.js';
import { listPage, type ListPage } from './list-page.js';
import { searchPage, type SearchPage, type SearchPageState } from './search-page.js';

export interface ArborViewerHook {
  /** "list", "search" or "not-found". */
  route(): string;
  /** The search page's status (loading, live, complete, not-found, error), or the list's (loading, loaded, error). */
  status(): string;
  /** Nodes drawn on the canvas by the last frame (0 off the search page). */
  nodeCount(): number;
  /** total_nodes as the API last reported it. */
  totalNodes(): number;
  /** Frames drawn so far. */
  rendered(): number;
  state(): SearchPageState | null;
  /** The search ids the list shows, in order. */
  searches(): string[];
  clientPositionOf(id: number): { x: number; y: number } | null;
  zoomBy(factor: number): void;
  fit(): void;
}

declare global {
  interface Window {
    arborViewer: ArborViewerHook;
  }
}

type Page = { kind: 'list'; page: ListPage } | { kind: 'search'; page: SearchPage } | { kind: 'not-found' };

const root = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
let current: Page = { kind: 'not-found' };

function header(): HTMLElement {
  const forget = h('button', { type: 'button', class: 'link-button', id: 'forget-token', title: 'Forget the bearer token kept in this tab' }, 'Forget token');
  forget.hidden = !storedToken();
  forget.addEventListener('click', () => {
    storeToken(null);
    window.location.reload();
  });
  window.addEventListener('arbor-token', () => (forget.hidden = !storedToken()));
  return h('header', { class: 'top' }, h('a', { href: '#/', class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }), 'Arbor ', h('span', { class: 'muted' }, 'tree viewer')), forget);
}

const main = h('main', { id: 'view' });
replace(root, header(), main);

function route(): void {
  if (current.kind !== 'not-found') current.page.destroy();
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const search = /^\/search\/(.+)$/.exec(hash);
  if (hash === '/' || hash === '') {
    const page = listPage();
    current = { kind: 'list', page };
    replace(main, page.element);
    document.title = 'Searches · Arbor';
  } else if (search) {
    let id: string;
    try {
      id = decodeURIComponent(search[1]!);
    } catch {
      id = search[1]!;
    }
    const page = searchPage(id);
    current = { kind: 'search', page };
    replace(main, page.element);
    document.title = `Search ${id} · Arbor`;
  } else {
    current = { kind: 'not-found' };
    replace(main, h('div', { class: 'panel' }, h('h1', {}, 'Nothing here'), h('p', {}, h('a', { href: '#/' }, 'Recent searches'))));
    document.title = 'Arbor';
  }
  root.dataset.route = current.kind;
}

window.arborViewer = {
  route: () => current.kind,
  status: () => (current.kind === 'search' ? current.page.state().status : current.kind === 'list' ? (current.page.element.dataset.status ?? '') : ''),
  nodeCount: () => (current.kind === 'search' ? current.page.state().nodeCount : 0),
  totalNodes: () => (current.kind === 'search' ? current.page.state().totalNodes : 0),
  rendered: () => (current.kind === 'search' ? current.page.state().frames : 0),
  state: () => (current.kind === 'search' ? current.page.state() : null),
  searches: () => (current.kind === 'list' ? current.page.shown() : []),
  clientPositionOf: (id) => (current.kind === 'search' ? current.page.clientPositionOf(id) : null),
  zoomBy: (factor) => (current.kind === 'search' ? current.page.zoomBy(factor) : undefined),
  fit: () => (current.kind === 'search' ? current.page.fit() : undefined),
};

window.addEventListener('hashchange', route);
route();
