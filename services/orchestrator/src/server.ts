// Wires the SearchService RPCs onto a gRPC server; the logic lives in SearchRunner.
import {
  arborV1,
  type CancelSearchRequest__Output,
  type CancelSearchResponse,
  type GetTreeRequest__Output,
  type SearchEvent,
  type SearchRequest__Output,
  type SearchResult,
  type Tree,
} from '@arbor/contracts';
import { serverStreamHandler, startGrpcServer, unaryHandler, type Logger, type RunningGrpcServer, type ServerTls } from '@arbor/kit';
import { InvalidArgumentError } from '@arbor/kit/errors';
import type { SearchRunner } from './search-runner.js';

export const SEARCH_SERVICE_NAME = 'arbor.v1.SearchService';

function requireSearchId(searchId: string): string {
  if (!searchId) throw new InvalidArgumentError('search_id', 'is required');
  return searchId;
}

export interface SearchServerOptions {
  address: string;
  runner: SearchRunner;
  logger: Logger;
  tls?: ServerTls;
  healthAddress?: string;
}

export function startSearchServer(options: SearchServerOptions): Promise<RunningGrpcServer> {
  const { runner, logger } = options;
  return startGrpcServer({
    address: options.address,
    ...(options.tls && { tls: options.tls }),
    ...(options.healthAddress && { healthAddress: options.healthAddress }),
    logger,
    services: [
      {
        name: SEARCH_SERVICE_NAME,
        definition: arborV1().SearchService.service,
        implementation: {
          // No generic server span for a search: the runner's `search` span is the tree's root (continuing the
          // caller's trace when it sent one) and carries the tree's totals.
          Search: unaryHandler<SearchRequest__Output, SearchResult>(
            logger,
            'Search',
            (request, context) => runner.search(request, { signal: context.signal }),
            { serverSpan: false },
          ),
          StreamSearch: serverStreamHandler<SearchRequest__Output, SearchEvent>(logger, 'StreamSearch', async (request, send, context) => {
            const result = await runner.search(request, {
              signal: context.signal,
              onProgress: (progress) => send({ progress }),
            });
            send({ result });
          }, { serverSpan: false }),
          GetTree: unaryHandler<GetTreeRequest__Output, Tree>(logger, 'GetTree', async (request) =>
            runner.getTree(requireSearchId(request.searchId), request.pageSize, request.pageToken),
          ),
          CancelSearch: unaryHandler<CancelSearchRequest__Output, CancelSearchResponse>(logger, 'CancelSearch', async (request) => ({
            cancelled: runner.cancel(requireSearchId(request.searchId)),
          })),
        },
      },
    ],
  });
}
