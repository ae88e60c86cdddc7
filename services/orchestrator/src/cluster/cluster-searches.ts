// GetTree and CancelSearch as any replica of a cluster answers them: this replica's own searches first, then the
// finished trees every replica keeps in JetStream, then the replica that runs the search. Without JetStream
// (ARBOR_JOBS=off) it is the runner alone, as on a single replica.
import type { NatsConnection } from '@nats-io/transport-node';
import type { JobSubjects, SearchSummary, Tree } from '@arbor/contracts';
import { AlreadyExistsError, ArborError, NotFoundError, type ErrorKind } from '@arbor/kit/errors';
import type { SearchRunner } from '../search-runner.js';
import { treePage } from '../tree-pages.js';
import { DEFAULT_LIST_LIMIT } from '../recent-searches.js';
import { askPeersForTree, askPeersToCancel, askPeersToList } from './peer-searches.js';
import type { SharedTrees } from './shared-trees.js';

const KINDS: ReadonlySet<string> = new Set<ErrorKind>(['invalid_argument', 'failed_precondition', 'resource_exhausted', 'deadline_exceeded', 'unavailable', 'not_found', 'cancelled', 'internal']);

export interface ClusterLink {
  nc: NatsConnection;
  subjects: JobSubjects;
}

export class ClusterSearches {
  #link: ClusterLink | undefined;

  constructor(
    private readonly runner: SearchRunner,
    private readonly trees?: SharedTrees,
  ) {}

  /** Set when NATS answers: from then on the other replicas are asked too. */
  attach(link: ClusterLink): void {
    this.#link = link;
  }

  async getTree(tenant: string, searchId: string, pageSize = 0, pageToken = '', startNodeId = 0): Promise<Tree> {
    let notHere: NotFoundError;
    try {
      return this.runner.getTree(tenant, searchId, pageSize, pageToken, startNodeId);
    } catch (err) {
      if (!(err instanceof NotFoundError) || !this.#link) throw err;
      notHere = err;
    }
    // JetStream down: the replica running the search may still answer over core NATS.
    let storeFailure: unknown;
    const kept = await this.trees?.get(tenant, searchId).catch((err: unknown) => {
      storeFailure = err;
      return undefined;
    });
    if (kept) return treePage(searchId, kept, pageSize, pageToken, startNodeId);
    const answer = await askPeersForTree(this.#link.nc, this.#link.subjects, { tenant, searchId, pageSize, pageToken, startNodeId });
    if (answer && 'tree' in answer) return answer.tree;
    if (answer) throw new ArborError(KINDS.has(answer.error.kind) ? (answer.error.kind as ErrorKind) : 'internal', answer.error.message);
    throw storeFailure ?? notHere;
  }

  /**
   * Refuses a caller's search id that names a finished search of another replica still kept in JetStream, so that
   * GetTree never answers with another search's tree. Best effort: JetStream unreadable lets the id through, and a
   * search running on another replica is not looked for (ids the server assigns are unique anyway).
   */
  async checkNewId(tenant: string, searchId: string): Promise<void> {
    if (searchId === '' || !this.trees) return;
    const taken = await this.trees.has(tenant, searchId).catch(() => false);
    if (taken) throw new AlreadyExistsError('search_id: a search with this id finished recently and its tree is still kept; choose another id, or send none for one the server assigns');
  }

  /** As SearchRunner.listSearches, over every replica: the newest of them all. */
  async list(tenant: string, limit: number, searchId = ''): Promise<SearchSummary[]> {
    const own = this.runner.listSearches(tenant, limit, searchId);
    if (!this.#link) return own;
    const wanted = limit === 0 ? DEFAULT_LIST_LIMIT : limit;
    const others = await askPeersToList(this.#link.nc, this.#link.subjects, { tenant, limit: wanted, searchId });
    const seen = new Set(own.map((s) => s.searchId));
    const merged = [...own];
    for (const summary of others) {
      if (seen.has(summary.searchId)) continue;
      seen.add(summary.searchId);
      merged.push(summary);
    }
    return merged.sort((a, b) => Number(b.startedUnixMs) - Number(a.startedUnixMs)).slice(0, wanted);
  }

  /** As SearchRunner.cancel, for a search of any replica. */
  async cancel(tenant: string, searchId: string): Promise<boolean> {
    let notHere: NotFoundError;
    try {
      return this.runner.cancel(tenant, searchId);
    } catch (err) {
      if (!(err instanceof NotFoundError) || !this.#link) throw err;
      notHere = err;
    }
    const cancelled = await askPeersToCancel(this.#link.nc, this.#link.subjects, { tenant, searchId });
    if (cancelled !== undefined) return cancelled;
    // Finished on another replica: as for a finished search here, nothing to cancel.
    if (await this.trees?.has(tenant, searchId)) return false;
    throw notHere;
  }
}
