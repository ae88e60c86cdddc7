// The orchestrator reached over gRPC: one SearchService client, the caller's bearer token passed as metadata.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type SearchRequest, type SearchResult__Output } from '@arbor/contracts';
import { fromServiceError, type ClientTls } from '@arbor/kit';

export interface Searcher {
  /** `authorization` is the incoming header as sent ("Bearer ..."), forwarded as is; `signal` cancels the call. */
  search(request: SearchRequest, options: { authorization?: string; signal?: AbortSignal; deadlineMs?: number }): Promise<SearchResult__Output>;
  close(): void;
}

export function orchestratorSearcher(address: string, tls: ClientTls): Searcher {
  const client = new (arborV1().SearchService)(address, tls.credentials, tls.options);
  return {
    async search(request, { authorization, signal, deadlineMs }) {
      await tls.ready;
      const metadata = new grpc.Metadata();
      if (authorization) metadata.set('authorization', authorization);
      return new Promise((resolve, reject) => {
        const call = client.Search(request, metadata, deadlineMs ? { deadline: Date.now() + deadlineMs } : {}, (err, result) => {
          signal?.removeEventListener('abort', cancel);
          if (err) reject(fromServiceError(err));
          else resolve(result as SearchResult__Output);
        });
        const cancel = () => call.cancel();
        signal?.addEventListener('abort', cancel, { once: true });
      });
    },
    close: () => client.close(),
  };
}
