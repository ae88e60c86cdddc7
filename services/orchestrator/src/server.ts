// Wires the SearchService RPCs onto a gRPC server; the logic lives in SearchRunner.
import {
  arborV1,
  type CancelJobRequest__Output,
  type GetJobRequest__Output,
  type Job,
  type JobEvent,
  type ListJobsRequest__Output,
  type ListJobsResponse,
  type SubmitJobRequest__Output,
  type WatchJobRequest__Output,
  type CancelSearchRequest__Output,
  type CancelSearchResponse,
  type GetTreeRequest__Output,
  type ListSearchesRequest__Output,
  type ListSearchesResponse,
  type SearchEvent,
  type SearchRequest__Output,
  type SearchResult,
  type Tree,
} from '@arbor/contracts';
import { serverStreamHandler, startGrpcServer, unaryHandler, type CallContext, type Logger, type RunningGrpcServer, type ServerTls } from '@arbor/kit';
import { ANONYMOUS_PRINCIPAL, type Authenticator, type Principal } from '@arbor/kit/auth';
import { InvalidArgumentError } from '@arbor/kit/errors';
import type { ClusterSearches } from './cluster/cluster-searches.js';
import type { JobService } from './jobs/job-service.js';
import type { SearchRunner } from './search-runner.js';

export const SEARCH_SERVICE_NAME = 'arbor.v1.SearchService';
export const JOB_SERVICE_NAME = 'arbor.v1.JobService';

function requireSearchId(searchId: string): string {
  if (!searchId) throw new InvalidArgumentError('search_id', 'is required');
  return searchId;
}

export interface SearchServerOptions {
  address: string;
  runner: SearchRunner;
  /** GetTree and CancelSearch for searches of any replica. */
  searches: ClusterSearches;
  jobs: JobService;
  logger: Logger;
  tls?: ServerTls;
  healthAddress?: string;
  /** Who may call, and as which tenant; none: every call is the anonymous tenant. Health and reflection stay open. */
  authenticator?: Authenticator;
}

export function startSearchServer(options: SearchServerOptions): Promise<RunningGrpcServer> {
  const { runner, searches, jobs, logger, authenticator } = options;
  const callerOf = async (context: CallContext): Promise<Principal | undefined> => {
    if (!authenticator) return undefined;
    const authorization = context.metadata.get('authorization')[0];
    return authenticator.authenticate({
      authorization: authorization === undefined ? undefined : String(authorization),
      peerCertificate: context.peerCertificate,
    });
  };
  const principalOf = async (context: CallContext): Promise<Principal> => (await callerOf(context)) ?? ANONYMOUS_PRINCIPAL;
  const tenantOf = async (context: CallContext): Promise<string> => (await principalOf(context)).tenant;
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
            async (request, context) => {
              const principal = await principalOf(context);
              await searches.checkNewId(principal.tenant, request.searchId);
              return runner.search(request, { principal, signal: context.signal });
            },
            { serverSpan: false },
          ),
          StreamSearch: serverStreamHandler<SearchRequest__Output, SearchEvent>(logger, 'StreamSearch', async (request, send, context) => {
            const principal = await principalOf(context);
            await searches.checkNewId(principal.tenant, request.searchId);
            const result = await runner.search(request, {
              principal,
              signal: context.signal,
              onProgress: (progress) => send({ progress }),
            });
            send({ result });
          }, { serverSpan: false }),
          GetTree: unaryHandler<GetTreeRequest__Output, Tree>(logger, 'GetTree', async (request, context) =>
            searches.getTree(await tenantOf(context), requireSearchId(request.searchId), request.pageSize, request.pageToken, request.startNodeId),
          ),
          CancelSearch: unaryHandler<CancelSearchRequest__Output, CancelSearchResponse>(logger, 'CancelSearch', async (request, context) => ({
            cancelled: await searches.cancel(await tenantOf(context), requireSearchId(request.searchId)),
          })),
          ListSearches: unaryHandler<ListSearchesRequest__Output, ListSearchesResponse>(logger, 'ListSearches', async (request, context) => ({
            searches: await searches.list(await tenantOf(context), request.limit, request.searchId),
          })),
        },
      },
      {
        name: JOB_SERVICE_NAME,
        definition: arborV1().JobService.service,
        implementation: {
          SubmitJob: unaryHandler<SubmitJobRequest__Output, Job>(logger, 'SubmitJob', async (request, context) => jobs.submit(await principalOf(context), request)),
          GetJob: unaryHandler<GetJobRequest__Output, Job>(logger, 'GetJob', async (request, context) => jobs.get(await tenantOf(context), request.jobId)),
          ListJobs: unaryHandler<ListJobsRequest__Output, ListJobsResponse>(logger, 'ListJobs', async (request, context) => ({
            jobs: await jobs.list(await tenantOf(context), request.limit),
          })),
          CancelJob: unaryHandler<CancelJobRequest__Output, Job>(logger, 'CancelJob', async (request, context) => jobs.cancel(await tenantOf(context), request.jobId)),
          WatchJob: serverStreamHandler<WatchJobRequest__Output, JobEvent>(logger, 'WatchJob', async (request, send, context) =>
            jobs.watch(await tenantOf(context), request.jobId, send, context.signal),
          ),
        },
      },
    ],
  });
}
