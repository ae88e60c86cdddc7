// The reward service as the arbor app composes it: built from its own settings (backend, batching, prices), its
// handler is what a search in the same process calls, and serve() answers Score on gRPC (and on NATS when
// NATS_URL is set).
import { natsClientFrom, readServicePrices, serveModelService, serverTlsFrom, type ArborService, type EnvSource } from '@arbor/kit';
import { createRewardBackend } from './backends/index.js';
import { readRewardConfig, rewardBatching, type RewardConfig } from './config.js';
import { ScoreHandler } from './handler.js';
import { serveRewardOnNats } from './nats.js';
import { startRewardServer } from './server.js';

export interface RewardService extends ArborService {
  readonly name: 'reward';
  readonly config: RewardConfig;
  readonly handler: ScoreHandler;
}

/** Reads ARBOR_REWARD_* (and the price settings) from `env`; a bad setting throws a ConfigError naming it. */
export function createRewardService(env: EnvSource): RewardService {
  const config = readRewardConfig(env);
  // Read at start, so that a missing certificate stops the service before it serves anything.
  const tls = serverTlsFrom(config);
  const nats = natsClientFrom(config);
  const backend = createRewardBackend(config);
  const handler = new ScoreHandler(backend, readServicePrices('reward', env), rewardBatching(config));
  return {
    name: 'reward',
    config,
    handler,
    serve: async ({ logger, graceMs }) => {
      // Before listening: a PRM that fails its label-order check stops the service here, with the reason.
      await backend.start?.(logger, new AbortController().signal);
      return serveModelService({
        name: 'reward',
        logger,
        graceMs,
        startGrpc: () =>
          startRewardServer({
            address: config.ARBOR_REWARD_LISTEN,
            handler,
            logger,
            tls,
            ...(config.ARBOR_REWARD_HEALTH_LISTEN && { healthAddress: config.ARBOR_REWARD_HEALTH_LISTEN }),
          }),
        nats,
        serveOnNats: (nc) =>
          serveRewardOnNats({ nc, handler, logger, maxInFlight: config.ARBOR_REWARD_MAX_IN_FLIGHT, maxCallMs: config.ARBOR_REWARD_MAX_CALL_MS, namespace: config.ARBOR_NATS_NAMESPACE }),
      });
    },
  };
}
