// Where `arbor solve` sends its searches: the embedded stack in this process, or a running orchestrator.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type SearchRequest, type SearchResult__Output, type TreeNode__Output, type Tree__Output } from '@arbor/contracts';
import { ANONYMOUS_TENANT } from '@arbor/kit/auth';
import { createLogger, fromServiceError, type EnvSource } from '@arbor/kit';
import type { Connection } from './connection.js';
import { composeOrchestrator } from '../compose/services.js';

export interface Searcher {
  search(request: SearchRequest): Promise<SearchResult__Output>;
  /** Every node of a search's tree (running or recently finished), read a page at a time. */
  tree(searchId: string): Promise<TreeNode__Output[]>;
  close(): Promise<void>;
}

/** Pages of one tree read at most: a tree only grows, and a finished one holds at most the server's max nodes. */
const MAX_TREE_PAGES = 1_000;

/** All the nodes `page` gives, following next_page_token. */
async function allPages(page: (token: string) => Promise<Tree__Output>): Promise<TreeNode__Output[]> {
  const nodes: TreeNode__Output[] = [];
  let token = '';
  for (let i = 0; i < MAX_TREE_PAGES; i++) {
    const tree = await page(token);
    nodes.push(...tree.nodes);
    token = tree.nextPageToken;
    if (!token) break;
  }
  return nodes;
}

/** The whole stack in this process, calling the services' real handlers through the protobuf codec. */
export function localSearcher(env: EnvSource): Searcher {
  const logger = createLogger('arbor', { level: env.LOG_LEVEL ?? 'warn' });
  const orchestrator = composeOrchestrator(env, logger);
  const method = arborV1().SearchService.service.Search;
  const getTree = arborV1().SearchService.service.GetTree;
  return {
    async search(request) {
      const decoded = method.requestDeserialize(method.requestSerialize(request));
      const result = await orchestrator.runner.search(decoded);
      return method.responseDeserialize(method.responseSerialize(result));
    },
    // Searches here run as the anonymous tenant, like any call to a server that asks for no credentials.
    tree: (searchId) => allPages(async (token) => getTree.responseDeserialize(getTree.responseSerialize(orchestrator.runner.getTree(ANONYMOUS_TENANT, searchId, 0, token)))),
    close: () => orchestrator.close(),
  };
}

/** A running orchestrator reached over gRPC (plaintext and without a token unless `connection` says otherwise). */
export function remoteSearcher(address: string, callTimeoutMs: number, connection?: Connection): Searcher {
  const tls = connection?.tls;
  const client = new (arborV1().SearchService)(address, tls?.credentials ?? grpc.credentials.createInsecure(), tls?.options);
  const metadata = new grpc.Metadata();
  if (connection?.token !== undefined) metadata.set('authorization', `Bearer ${connection.token}`);
  return {
    async search(request) {
      // A handshake started before the certificate files are read would fail.
      await tls?.ready;
      return new Promise((resolve, reject) => {
        client.Search(request, metadata, { deadline: Date.now() + callTimeoutMs }, (err, result) => {
          if (err) reject(Object.assign(fromServiceError(err), { server: address }));
          else resolve(result as SearchResult__Output);
        });
      });
    },
    async tree(searchId) {
      await tls?.ready;
      return allPages(
        (pageToken) =>
          new Promise((resolve, reject) => {
            client.GetTree({ searchId, pageToken }, metadata, { deadline: Date.now() + 30_000 }, (err, tree) => {
              if (err) reject(Object.assign(fromServiceError(err), { server: address }));
              else resolve(tree as Tree__Output);
            });
          }),
      );
    },
    async close() {
      client.close();
    },
  };
}
