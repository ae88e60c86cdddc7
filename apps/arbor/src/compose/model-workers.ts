// The embedded model services of `arbor serve` on worker threads (piscina). Their computation is the bulk of a
// search's CPU; on the main thread it starved the gRPC server, so health checks waited seconds and searches
// overran their deadlines. Each worker runs every service given; calls go to whichever worker is free.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { EncodedHandler } from '@arbor/contracts';
import { fromGrpcStatus, type EnvSource, type Logger } from '@arbor/kit';
import { CancelledError } from '@arbor/kit/errors';
import type { ModelService } from '@arbor/search';
import type { WorkerReply, WorkerTask } from './worker-protocol.js';

/**
 * The worker's module: from the sources, a shim that loads model-worker.ts through tsx; in the bundle,
 * dist/model-worker.mjs beside dist/arbor.mjs.
 */
function workerModule(): string {
  const source = fileURLToPath(new URL('./model-worker-source.mjs', import.meta.url));
  return existsSync(source) ? source : fileURLToPath(new URL('./model-worker.mjs', import.meta.url));
}

export interface ModelWorkers {
  handlers: Partial<Record<ModelService, EncodedHandler>>;
  close(): Promise<void>;
}

/** Starts `threads` workers running `services` with the settings in `env`. */
export function startModelWorkers(env: EnvSource, services: readonly ModelService[], threads: number, logger: Logger): ModelWorkers {
  const pool = new Piscina({
    filename: workerModule(),
    minThreads: threads,
    maxThreads: threads,
    // Calls that wait (a simulated latency) should not hold a thread: many run on each worker at once.
    concurrentTasksPerWorker: 16,
    idleTimeout: Number.POSITIVE_INFINITY,
    workerData: { env: { ...env }, services: [...services] },
  });
  // A worker that fails to start or crashes is replaced by piscina; its error must not take the process down.
  pool.on('error', (err: unknown) => logger.error({ err }, 'model worker failed'));
  const handler = (service: ModelService): EncodedHandler => ({
    encoded: true,
    async call(request, signal) {
      // Not started once the search has stopped waiting; piscina's own abort would end the whole worker.
      if (signal.aborted) throw new CancelledError('model call aborted before it started');
      const task: WorkerTask = { service, request };
      const result = (await pool.run(task)) as WorkerReply;
      if ('error' in result) throw fromGrpcStatus(result.error.code, result.error.details);
      return result.reply;
    },
  });
  return {
    handlers: Object.fromEntries(services.map((service) => [service, handler(service)])),
    close: () => pool.destroy(),
  };
}
