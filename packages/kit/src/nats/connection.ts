// NATS connections as model traffic needs them: named, waiting on the first connect, reconnecting
// forever, with connection state turned into a plain "connected?" callback for health checks.
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';

export interface NatsConnectOptions {
  /** One URL or a comma-separated list, e.g. nats://127.0.0.1:4222. */
  url: string;
  /** Shown by the server (`nats server report connections`), e.g. "arbor-reward". */
  name: string;
  logger: Logger;
  /** Called with false on disconnect and true on (re)connect. */
  onConnectedChange?: (connected: boolean) => void;
}

export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const { logger } = options;
  const servers = options.url.split(',').map((s) => s.trim()).filter(Boolean);
  const nc = await connect({
    servers,
    name: options.name,
    // The nats.js defaults (about 20 s of reconnect attempts) would leave a service dead after a longer NATS
    // outage; a model service should come back whenever NATS does.
    maxReconnectAttempts: -1,
    waitOnFirstConnect: true,
    reconnectTimeWait: 500,
    reconnectJitter: 250,
    pingInterval: 10_000,
    maxPingOut: 3,
  });
  logger.info({ server: nc.getServer(), connection: options.name }, 'connected to NATS');
  options.onConnectedChange?.(true);
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        logger.warn({ connection: options.name }, 'disconnected from NATS; reconnecting');
        options.onConnectedChange?.(false);
      } else if (status.type === 'reconnect') {
        logger.info({ server: nc.getServer(), connection: options.name }, 'reconnected to NATS');
        options.onConnectedChange?.(true);
      }
    }
  })();
  return nc;
}

export type { NatsConnection };
