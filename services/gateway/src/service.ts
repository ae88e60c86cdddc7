// The gateway as the arbor app composes it: built from its own settings, serve() listens on HTTP until stop().
import { clientTlsFrom, type EnvSource, type ServeOptions } from '@arbor/kit';
import { readGatewayConfig, type GatewayConfig } from './config.js';
import { orchestratorSearcher } from './orchestrator.js';
import { loadPresets, type Preset } from './presets.js';
import { buildGatewayApp } from './server.js';

export interface RunningGateway {
  readonly name: 'gateway';
  /** HOST:PORT as bound (useful with port 0). */
  readonly address: string;
  readonly port: number;
  /** Stops taking connections, lets requests in flight finish within the grace period, then closes the client. */
  stop(): Promise<void>;
}

export interface GatewayService {
  readonly name: 'gateway';
  readonly config: GatewayConfig;
  readonly presets: readonly Preset[];
  serve(options: ServeOptions): Promise<RunningGateway>;
}

function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(address.slice(colon + 1)) };
}

/** Reads ARBOR_GATEWAY_* and ARBOR_GRPC_* from `env`; a bad setting (or presets file) throws a ConfigError naming it. */
export function createGatewayService(env: EnvSource): GatewayService {
  const config = readGatewayConfig(env);
  const presets = loadPresets(config.ARBOR_GATEWAY_PRESETS_FILE);
  // Read at start, so that a missing certificate stops the service before it serves anything.
  const tls = clientTlsFrom(config);
  return {
    name: 'gateway',
    config,
    presets,
    async serve({ logger, graceMs }) {
      const searcher = orchestratorSearcher(config.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS, tls);
      const app = buildGatewayApp({ presets, searcher });
      const { host, port } = splitAddress(config.ARBOR_GATEWAY_LISTEN);
      try {
        await app.listen({ host, port });
      } catch (err) {
        searcher.close();
        throw err;
      }
      const bound = app.server.address();
      const boundPort = bound && typeof bound === 'object' ? bound.port : port;
      const address = `${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
      logger.info({ address, orchestrator: config.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS, models: presets.map((p) => p.id) }, 'gateway listening');
      let stopping: Promise<void> | undefined;
      return {
        name: 'gateway',
        address,
        port: boundPort,
        stop() {
          stopping ??= (async () => {
            const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
            try {
              await app.close();
            } finally {
              clearTimeout(timer);
              searcher.close();
            }
          })();
          return stopping;
        },
      };
    },
  };
}
