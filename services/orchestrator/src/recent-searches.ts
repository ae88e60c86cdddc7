// ListSearches: a summary of each recent search, running or ended, kept per tenant in one bounded table. A summary
// is small (ids, names, counters) and never holds the problem's text; the oldest go first past the bound.
import type { SearchStats, SearchStatus, SearchSummary, ServiceCost, StopReason } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';

/** Summaries kept over all tenants: a few MB at most. */
export const DEFAULT_RECENT_SEARCHES = 10_000;
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1_000;

export interface SearchStart {
  tenant: string;
  searchId: string;
  problemId: string;
  task: string;
  algorithm: string;
  startedUnixMs: number;
}

export interface SearchEnd {
  stopReason: StopReason;
  solved: boolean;
  answer: string;
  score: number;
  stats: SearchStats;
  cost: ServiceCost[];
  finishedUnixMs: number;
}

interface Entry {
  tenant: string;
  summary: SearchSummary;
  /** Worked out on first ask (it reads the whole tree), while the tree is still kept. */
  chosenPath?: () => number[];
}

export class RecentSearches {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly capacity: number = DEFAULT_RECENT_SEARCHES) {}

  started(key: string, start: SearchStart): void {
    this.#entries.delete(key);
    this.#entries.set(key, {
      tenant: start.tenant,
      summary: {
        searchId: start.searchId,
        problemId: start.problemId,
        task: start.task,
        algorithm: start.algorithm,
        status: 'SEARCH_STATUS_RUNNING' satisfies SearchStatus,
        stopReason: 'STOP_REASON_UNSPECIFIED',
        solved: false,
        answer: '',
        score: 0,
        traceId: '',
        startedUnixMs: start.startedUnixMs,
        finishedUnixMs: 0,
        chosenPath: [],
        error: '',
        cost: [],
      },
    });
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  traced(key: string, traceId: string): void {
    const entry = this.#entries.get(key);
    if (entry) entry.summary.traceId = traceId;
  }

  progressed(key: string, stats: SearchStats, cost: ServiceCost[], bestScore: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.summary.stats = stats;
    entry.summary.cost = cost;
    entry.summary.score = bestScore;
  }

  finished(key: string, end: SearchEnd, chosenPath: () => number[]): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    Object.assign(entry.summary, { ...end, status: 'SEARCH_STATUS_FINISHED' satisfies SearchStatus });
    entry.chosenPath = chosenPath;
  }

  /** `error` is what the caller was told (a status name and message), which never quotes the problem. */
  failed(key: string, error: string, finishedUnixMs: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    Object.assign(entry.summary, { status: 'SEARCH_STATUS_FAILED' satisfies SearchStatus, error, finishedUnixMs });
  }

  /** The tenant's searches, newest first; with `searchId`, that one only, its chosen path worked out. */
  list(tenant: string, limit: number, searchId = ''): SearchSummary[] {
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIST_LIMIT) {
      throw new InvalidArgumentError('limit', `must be between 0 and ${MAX_LIST_LIMIT}, got ${limit}`);
    }
    const wanted = limit === 0 ? DEFAULT_LIST_LIMIT : limit;
    const entries = [...this.#entries.values()];
    const found: SearchSummary[] = [];
    for (let i = entries.length - 1; i >= 0 && found.length < wanted; i--) {
      const entry = entries[i];
      if (!entry || entry.tenant !== tenant) continue;
      if (searchId !== '' && entry.summary.searchId !== searchId) continue;
      if (searchId !== '' && entry.chosenPath) {
        entry.summary.chosenPath = entry.chosenPath();
        entry.chosenPath = undefined;
      }
      found.push(entry.summary);
    }
    return found;
  }
}
