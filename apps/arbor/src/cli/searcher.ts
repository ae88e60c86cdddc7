// Where `arbor solve` sends its searches: the embedded stack in this process, or a running orchestrator.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type SearchRequest, type SearchResult__Output } from '@arbor/contracts';
import { createLogger, fromServiceError, type EnvSource } from '@arbor/kit';
import type { Connection } from './connection.js';
import { composeOrchestrator } from '../compose/services.js';

export interface Searcher {
  search(request: SearchRequest): Promise<SearchResult__Output>;
  close(): Promise<void>;
}

/** The whole stack in this process, calling the services' real handlers through the protobuf codec. */
export function localSearcher(env: EnvSource): Searcher {
  const logger = createLogger('arbor', { level: env.LOG_LEVEL ?? 'warn' });
  const orchestrator = composeOrchestrator(env, logger);
  const method = arborV1().SearchService.service.Search;
  return {
    async search(request) {
      const decoded = method.requestDeserialize(method.requestSerialize(request));
      const result = await orchestrator.runner.search(decoded);
      return method.responseDeserialize(method.responseSerialize(result));
    },
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
    async close() {
      client.close();
    },
  };
}
