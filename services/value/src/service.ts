// The value service as the arbor app composes it: built from its own settings (backend, batching, prices), its
// handler is what a search in the same process calls, and serve() answers Evaluate on gRPC (and on NATS when
// NATS_URL is set).
import { natsClientFrom, readServicePrices, serveModelService, serverTlsFrom, type ArborService, type EnvSource } from '@arbor/kit';
import { createValueBackend } from './backends/index.js';
import { readValueConfig, valueBatching, type ValueConfig } from './config.js';
import { EvaluateHandler } from './handler.js';
import { serveValueOnNats } from './nats.js';
import { startValueServer } from './server.js';

export interface ValueService extends ArborService {
  readonly name: 'value';
  readonly config: ValueConfig;
  readonly handler: EvaluateHandler;
}

/** Reads ARBOR_VALUE_* (and the price settings) from `env`; a bad setting throws a ConfigError naming it. */
export function createValueService(env: EnvSource): ValueService {
  const config = readValueConfig(env);
  // Read at start, so that a missing certificate stops the service before it serves anything.
  const tls = serverTlsFrom(config);
  const nats = natsClientFrom(config);
  const backend = createValueBackend(config);
  const handler = new EvaluateHandler(backend, readServicePrices('value', env), valueBatching(config));
  return {
    name: 'value',
    config,
    handler,
    serve: async ({ logger, graceMs }) => {
      await backend.start?.(logger, new AbortController().signal);
      return serveModelService({
        name: 'value',
        logger,
        graceMs,
        startGrpc: () =>
          startValueServer({
            address: config.ARBOR_VALUE_LISTEN,
            handler,
            logger,
            tls,
            ...(config.ARBOR_VALUE_HEALTH_LISTEN && { healthAddress: config.ARBOR_VALUE_HEALTH_LISTEN }),
          }),
        nats,
        serveOnNats: (nc) =>
          serveValueOnNats({ nc, handler, logger, maxInFlight: config.ARBOR_VALUE_MAX_IN_FLIGHT, maxCallMs: config.ARBOR_VALUE_MAX_CALL_MS, namespace: config.ARBOR_NATS_NAMESPACE }),
      });
    },
  };
}
