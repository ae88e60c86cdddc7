// The gateway as the arbor app composes it: built from its own settings, serve() listens on HTTP until stop().
// An HTTP service, so it has types of its own rather than the kit's ArborService/RunningService, which describe
// gRPC servers (a RunningService's `grpc`, its health); the arbor app composes the two kinds side by side.
import { cannotListen, clientTlsFrom, type EnvSource, type ServeOptions } from '@arbor/kit';
import { readGatewayConfig, type GatewayConfig } from './config.js';
import { orchestratorClient } from './orchestrator.js';
import { loadPresets, type Preset } from './presets.js';
import { orchestratorReadiness } from './readiness.js';
import { buildGatewayApp } from './server.js';

export interface RunningGateway {
  readonly name: 'gateway';
  /** HOST:PORT as bound (useful with port 0). */
  readonly address: string;
  readonly port: number;
  /** The orchestrator it calls. */
  readonly orchestrator: string;
  /** Stops taking connections, lets requests in flight finish within the grace period, then closes the client. */
  stop(): Promise<void>;
}

export interface GatewayServeOptions extends ServeOptions {
  /**
   * The orchestrator to call instead of ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS: `arbor serve all` passes the address
   * its own orchestrator bound (which differs from any setting when that one listens on port 0).
   */
  orchestratorAddress?: string;
}

export interface GatewayService {
  readonly name: 'gateway';
  readonly config: GatewayConfig;
  readonly presets: readonly Preset[];
  serve(options: GatewayServeOptions): Promise<RunningGateway>;
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
    async serve({ logger, graceMs, orchestratorAddress }) {
      const orchestrator = orchestratorAddress ?? config.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS;
      const client = orchestratorClient(orchestrator, tls);
      const app = buildGatewayApp({ presets, orchestrator: client, traceUrl: config.ARBOR_GATEWAY_TRACE_URL, readiness: orchestratorReadiness(orchestrator, tls) });
      const { host, port } = splitAddress(config.ARBOR_GATEWAY_LISTEN);
      try {
        await app.listen({ host, port });
      } catch (err) {
        client.close();
        await app.close().catch(() => undefined);
        // A busy port is the same one line as for a gRPC listener ("cannot listen on HOST:PORT: ..."), naming the
        // setting: `serve all` runs a gateway its user may not think of (and llama.cpp's server also takes 8080).
        throw err instanceof Error && 'code' in err && typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)
          ? cannotListen(`${config.ARBOR_GATEWAY_LISTEN} (gateway, ARBOR_GATEWAY_LISTEN)`, err)
          : err;
      }
      const bound = app.server.address();
      const boundPort = bound && typeof bound === 'object' ? bound.port : port;
      const address = `${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
      logger.info({ address, orchestrator, models: presets.map((p) => p.id) }, 'gateway listening');
      let stopping: Promise<void> | undefined;
      return {
        name: 'gateway',
        address,
        port: boundPort,
        orchestrator,
        stop() {
          stopping ??= (async () => {
            // close() stops accepting at once, ends idle keep-alive connections and answers 503 to any new
            // request on a busy one; requests in flight run on until the grace period ends.
            const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
            try {
              await app.close();
            } finally {
              clearTimeout(timer);
              client.close();
            }
            logger.info('gateway stopped');
          })();
          return stopping;
        },
      };
    },
  };
}
