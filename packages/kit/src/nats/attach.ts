// Connects a service to NATS in the background: start-up never blocks on NATS, the service begins answering
// on NATS once connected, and stop() drains what it started.
import type { Logger } from '../logger.js';
import { connectNats, type NatsConnection } from './connection.js';

export interface NatsAttachment {
  /** Stops serving (waiting at most graceMs for calls in flight), then drains the connection. */
  stop(graceMs: number): Promise<void>;
}

export interface NatsAttachOptions {
  url: string;
  /** The connection's name, as the server shows it (e.g. "arbor-reward"). */
  name: string;
  logger: Logger;
  /** Called once, when the first connection is made; returns what stop() must stop first. */
  onConnected: (nc: NatsConnection) => { stop(graceMs: number): Promise<void> } | void;
  onConnectedChange?: (connected: boolean) => void;
}

export function attachNats(options: NatsAttachOptions): NatsAttachment {
  let stopped = false;
  let connected: NatsConnection | undefined;
  let started: { stop(graceMs: number): Promise<void> } | void;
  const connection = connectNats({
    url: options.url,
    name: options.name,
    logger: options.logger,
    onConnectedChange: (connected) => {
      if (!stopped) options.onConnectedChange?.(connected);
    },
  }).then((nc) => {
    if (stopped) {
      void nc.close();
      return undefined;
    }
    connected = nc;
    started = options.onConnected(nc);
    return nc;
  });
  connection.catch((err: unknown) => options.logger.error({ err, url: options.url }, 'cannot connect to NATS'));

  return {
    async stop(graceMs: number) {
      stopped = true;
      // A connection still being attempted is abandoned; the caller exits the process after stop().
      if (!connected) return;
      await started?.stop(graceMs);
      try {
        await connected.drain();
      } catch (err) {
        // Draining needs the server; when NATS is down there is nothing left to flush, so just close.
        options.logger.warn({ err }, 'NATS drain failed; closing the connection');
        await connected.close();
      }
    },
  };
}
