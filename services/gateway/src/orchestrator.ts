// The orchestrator reached over gRPC: one SearchService client, the caller's bearer token passed as metadata, and
// the client's disconnect (the signal) cancelling the call, which cancels the search.
import * as grpc from '@grpc/grpc-js';
import {
  arborV1,
  type SearchEvent__Output,
  type SearchProgress__Output,
  type SearchRequest,
  type SearchResult__Output,
  type SearchSummary__Output,
  type TreeNode__Output,
} from '@arbor/contracts';
import { fromServiceError, type ClientTls } from '@arbor/kit';
import { ArborError } from '@arbor/kit/errors';

export interface CallOptions {
  /** The incoming header as sent ("Bearer ..."), forwarded as is. */
  authorization?: string;
  /** Aborting it cancels the call (and so the search). */
  signal?: AbortSignal;
}

export interface SearchOptions extends CallOptions {
  /** When given, the search runs through StreamSearch and each progress event comes here as it arrives. */
  onProgress?: (progress: SearchProgress__Output) => void;
}

export interface TreeNodes {
  nodes: TreeNode__Output[];
  totalNodes: number;
}

/** What the gateway asks of the orchestrator. */
export interface Orchestrator {
  search(request: SearchRequest, options: SearchOptions): Promise<SearchResult__Output>;
  listSearches(request: { limit?: number; searchId?: string }, options: CallOptions): Promise<SearchSummary__Output[]>;
  /** Every node from `startNodeId` on, read a page at a time. */
  getTree(searchId: string, startNodeId: number, options: CallOptions): Promise<TreeNodes>;
  close(): void;
}

/** Pages read for one getTree at most: a bound on a tree that keeps growing while it is read. */
const MAX_TREE_PAGES = 64;
/** Unary calls other than Search: they answer from memory, so a slow one means an orchestrator in trouble. */
const QUICK_CALL_MS = 10_000;

export function orchestratorClient(address: string, tls: ClientTls): Orchestrator {
  const client = new (arborV1().SearchService)(address, tls.credentials, tls.options);
  const metadataOf = (authorization: string | undefined): grpc.Metadata => {
    const metadata = new grpc.Metadata();
    if (authorization) metadata.set('authorization', authorization);
    return metadata;
  };

  /** A unary call that the signal cancels, its error turned back into a domain error. */
  function unary<T>(start: (callback: (err: grpc.ServiceError | null, value?: T) => void) => grpc.ClientUnaryCall, signal?: AbortSignal): Promise<T> {
    return new Promise((resolve, reject) => {
      const cancel = () => call.cancel();
      const call = start((err, value) => {
        signal?.removeEventListener('abort', cancel);
        if (err) reject(fromServiceError(err));
        else resolve(value as T);
      });
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  function streamSearch(request: SearchRequest, options: SearchOptions & { onProgress: NonNullable<SearchOptions['onProgress']> }): Promise<SearchResult__Output> {
    return new Promise((resolve, reject) => {
      const call = client.StreamSearch(request, metadataOf(options.authorization));
      const cancel = () => call.cancel();
      options.signal?.addEventListener('abort', cancel, { once: true });
      let result: SearchResult__Output | undefined;
      call.on('data', (event: SearchEvent__Output) => {
        if (event.progress) options.onProgress(event.progress);
        if (event.result) result = event.result;
      });
      call.on('error', (err: grpc.ServiceError) => {
        options.signal?.removeEventListener('abort', cancel);
        reject(fromServiceError(err));
      });
      call.on('end', () => {
        options.signal?.removeEventListener('abort', cancel);
        if (result) resolve(result);
        else reject(new ArborError('internal', 'the orchestrator ended the stream without a result'));
      });
    });
  }

  return {
    async search(request, options) {
      await tls.ready;
      if (options.onProgress) return streamSearch(request, { ...options, onProgress: options.onProgress });
      return unary<SearchResult__Output>(
        (cb) => client.Search(request, metadataOf(options.authorization), cb),
        options.signal,
      );
    },
    async listSearches(request, options) {
      await tls.ready;
      const response = await unary<{ searches: SearchSummary__Output[] }>(
        (cb) => client.ListSearches({ limit: request.limit ?? 0, searchId: request.searchId ?? '' }, metadataOf(options.authorization), { deadline: Date.now() + QUICK_CALL_MS }, cb),
        options.signal,
      );
      return response.searches;
    },
    async getTree(searchId, startNodeId, options) {
      await tls.ready;
      const nodes: TreeNode__Output[] = [];
      let pageToken = '';
      let totalNodes = 0;
      for (let page = 0; page < MAX_TREE_PAGES; page++) {
        const tree = await unary<{ nodes: TreeNode__Output[]; nextPageToken: string; totalNodes: number }>(
          (cb) => client.GetTree({ searchId, pageToken, startNodeId }, metadataOf(options.authorization), { deadline: Date.now() + QUICK_CALL_MS }, cb),
          options.signal,
        );
        nodes.push(...tree.nodes);
        totalNodes = tree.totalNodes;
        pageToken = tree.nextPageToken;
        if (!pageToken) break;
      }
      return { nodes, totalNodes };
    },
    close: () => client.close(),
  };
}
