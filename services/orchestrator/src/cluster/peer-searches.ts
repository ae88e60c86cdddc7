// Orchestrator replicas asking each other about running searches: behind one Kubernetes Service, GetTree and
// CancelSearch land on any replica, but a running search and its live tree are in the memory of the replica
// that runs it (and, until its write to JetStream lands, the finished tree too). A replica that does not know the
// search asks all the others on a plain subject; only the one that has it answers (a page of the tree, or the
// cancellation), and silence means no replica has it.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import { arborV1, NATS_HEADERS, type JobSubjects, type SearchSummary, type Tree } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';
import { NotFoundError } from '@arbor/kit/errors';
import type { SearchRunner } from '../search-runner.js';

/** NATS's default max_payload is 1 MiB: a page sent between replicas stays well under it (the caller pages on). */
export const PEER_PAGE_BYTES = 512 * 1024;

/** How long a replica waits for the one running a search to answer before concluding none does. */
export const PEER_TIMEOUT_MS = 750;

interface TreeAsk {
  tenant: string;
  searchId: string;
  pageSize: number;
  pageToken: string;
  startNodeId: number;
}

interface CancelAsk {
  tenant: string;
  searchId: string;
}

const treeCodec = () => arborV1().SearchService.service.GetTree;

function isTreeAsk(value: unknown): value is TreeAsk {
  const ask = value as TreeAsk;
  return typeof ask?.tenant === 'string' && typeof ask.searchId === 'string' && typeof ask.pageSize === 'number' && typeof ask.pageToken === 'string' && typeof ask.startNodeId === 'number';
}

function isCancelAsk(value: unknown): value is CancelAsk {
  const ask = value as CancelAsk;
  return typeof ask?.tenant === 'string' && typeof ask.searchId === 'string';
}

function parse(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

/** Answers the other replicas about the searches this one runs. Returns the subscriptions, to close on stop. */
export function answerPeers(nc: NatsConnection, subjects: JobSubjects, runner: SearchRunner, logger: Logger): Subscription[] {
  const trees = nc.subscribe(subjects.searchTree, {
    callback: (err, msg) => {
      if (err) return;
      const ask = parse(msg.data);
      if (!isTreeAsk(ask)) return;
      try {
        const page = runner.getTree(ask.tenant, ask.searchId, ask.pageSize, ask.pageToken, ask.startNodeId, PEER_PAGE_BYTES);
        msg.respond(treeCodec().responseSerialize(page));
      } catch (error) {
        // Not one of this replica's searches: another replica answers, or none.
        if (error instanceof NotFoundError) return;
        // A bad page token, say: the asking replica passes the status on to its caller.
        const h = headers();
        const kind = (error as { kind?: string }).kind ?? 'internal';
        h.set(NATS_HEADERS.status, kind);
        h.set(NATS_HEADERS.message, error instanceof Error ? error.message : 'failed');
        msg.respond(new Uint8Array(), { headers: h });
      }
    },
  });
  const cancels = nc.subscribe(subjects.cancelSearch, {
    callback: (err, msg) => {
      if (err) return;
      const ask = parse(msg.data);
      if (!isCancelAsk(ask)) return;
      let cancelled: boolean;
      try {
        cancelled = runner.cancel(ask.tenant, ask.searchId);
      } catch {
        return;
      }
      if (cancelled) logger.info({ searchId: ask.searchId, tenant: ask.tenant }, 'search cancelled at the request of another replica');
      msg.respond(new TextEncoder().encode(JSON.stringify({ cancelled })));
    },
  });
  const lists = nc.subscribe(subjects.listSearches, {
    callback: (err, msg) => {
      if (err) return;
      const ask = parse(msg.data);
      if (!isListAsk(ask)) return;
      try {
        const searches = runner.listSearches(ask.tenant, Math.min(ask.limit, PEER_LIST_LIMIT), ask.searchId);
        if (searches.length > 0) msg.respond(listCodec().responseSerialize({ searches }));
      } catch {
        // A bad limit or id was refused by the asking replica already; nothing to add.
      }
    },
  });
  return [trees, cancels, lists];
}

/** Summaries one replica sends another at most: with their chosen paths they stay far below max_payload. */
export const PEER_LIST_LIMIT = 200;

/** How long a replica collects the others' recent searches: they answer at once or not at all. */
export const PEER_LIST_WAIT_MS = 300;

interface ListAsk {
  tenant: string;
  limit: number;
  searchId: string;
}

function isListAsk(value: unknown): value is ListAsk {
  const ask = value as ListAsk;
  return typeof ask?.tenant === 'string' && typeof ask.limit === 'number' && typeof ask.searchId === 'string';
}

const listCodec = () => arborV1().SearchService.service.ListSearches;

/** The recent searches the other replicas hold for this tenant (each replica's own, newest first). */
export async function askPeersToList(nc: NatsConnection, subjects: JobSubjects, ask: ListAsk): Promise<SearchSummary[]> {
  const found: SearchSummary[] = [];
  try {
    const replies = await nc.requestMany(subjects.listSearches, JSON.stringify(ask), { strategy: 'timer', maxWait: PEER_LIST_WAIT_MS });
    for await (const reply of replies) {
      if (reply.data.length === 0) continue;
      found.push(...(listCodec().responseDeserialize(Buffer.from(reply.data)) as { searches: SearchSummary[] }).searches);
    }
  } catch {
    // No other replica listens: this one's list is the whole list.
  }
  return found;
}

export type PeerTreeAnswer = { tree: Tree } | { error: { kind: string; message: string } } | undefined;

/** A page of a search running on another replica; undefined when none answers. */
export async function askPeersForTree(nc: NatsConnection, subjects: JobSubjects, ask: TreeAsk): Promise<PeerTreeAnswer> {
  try {
    const reply = await nc.request(subjects.searchTree, JSON.stringify(ask), { timeout: PEER_TIMEOUT_MS });
    const code = reply.headers?.get(NATS_HEADERS.status);
    if (code) return { error: { kind: code, message: reply.headers?.get(NATS_HEADERS.message) ?? '' } };
    return { tree: treeCodec().responseDeserialize(Buffer.from(reply.data)) as Tree };
  } catch {
    // No replica answered (none runs it), or no other replica listens at all.
    return undefined;
  }
}

/** Asks the replica that has the search to cancel it: true when it was running, undefined when no replica has it. */
export async function askPeersToCancel(nc: NatsConnection, subjects: JobSubjects, ask: CancelAsk): Promise<boolean | undefined> {
  try {
    const reply = await nc.request(subjects.cancelSearch, JSON.stringify(ask), { timeout: PEER_TIMEOUT_MS });
    return (parse(reply.data) as { cancelled?: boolean } | undefined)?.cancelled === true;
  } catch {
    return undefined;
  }
}
