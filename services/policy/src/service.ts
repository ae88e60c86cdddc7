// The policy service as the arbor app composes it: built from its own settings, its handler is what a search in
// the same process calls, and serve() answers Propose on gRPC (and on NATS when NATS_URL is set).
import { createLogger, natsClientFrom, readServicePrices, serveModelService, serverTlsFrom, type ArborService, type EnvSource, type Logger } from '@arbor/kit';
import { createPolicyBackend } from './backends/index.js';
import { readPolicyConfig, type PolicyConfig } from './config.js';
import { ProposeHandler } from './handler.js';
import { servePolicyOnNats } from './nats.js';
import { startPolicyServer } from './server.js';

export interface PolicyService extends ArborService {
  readonly name: 'policy';
  readonly config: PolicyConfig;
  readonly handler: ProposeHandler;
}

/** Reads ARBOR_POLICY_* (and the price settings) from `env`; a bad setting throws a ConfigError naming it. */
export function createPolicyService(env: EnvSource): PolicyService {
  const config = readPolicyConfig(env);
  // Read at start, so that a missing certificate stops the service before it serves anything.
  const tls = serverTlsFrom(config);
  const nats = natsClientFrom(config);
  // The backend's notices go to the logger serve() is given; a call made before (in process) to one of its own.
  let served: Logger | undefined;
  let own: Logger | undefined;
  const current = (): Logger => served ?? (own ??= createLogger('policy'));
  const log = { info: (fields: object, message: string) => current().info(fields, message), warn: (fields: object, message: string) => current().warn(fields, message) };
  const handler = new ProposeHandler(createPolicyBackend(config, log), readServicePrices('policy', env));
  return {
    name: 'policy',
    config,
    handler,
    serve: ({ logger, graceMs }) => {
      served = logger;
      return serveModelService({
        name: 'policy',
        logger,
        graceMs,
        startGrpc: () =>
          startPolicyServer({
            address: config.ARBOR_POLICY_LISTEN,
            handler,
            logger,
            tls,
            ...(config.ARBOR_POLICY_HEALTH_LISTEN && { healthAddress: config.ARBOR_POLICY_HEALTH_LISTEN }),
          }),
        nats,
        serveOnNats: (nc) =>
          servePolicyOnNats({ nc, handler, logger, maxInFlight: config.ARBOR_POLICY_MAX_IN_FLIGHT, maxCallMs: config.ARBOR_POLICY_MAX_CALL_MS, namespace: config.ARBOR_NATS_NAMESPACE }),
      });
    },
  };
}
