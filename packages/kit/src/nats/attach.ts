// Connects a service to NATS in the background: start-up never blocks on NATS, the service begins answering
// on NATS once connected, and stop() drains what it started.
import type { Logger } from '../logger.js';
import type { NodeConnectionOptions } from '@nats-io/transport-node';
import { connectNats, type NatsConnection } from './connection.js';

export interface NatsAttachment {
  /** Stops serving (waiting at most graceMs for calls in flight), then drains the connection. */
  stop(graceMs: number): Promise<void>;
}

export interface NatsAttachOptions {
  url: string;
  /** Authentication and TLS (see natsClientFrom). */
  options?: Partial<NodeConnectionOptions>;
  /** Prefix of the connection's reply subjects (the orchestrator's, which NATS permissions give to it alone). */
  inboxPrefix?: string;
  /** The server refused a subscription (its permissions): see NatsConnectOptions. */
  onSubscriptionRefused?: (subject: string) => void;
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
  const attempts = new AbortController();
  const connection = connectNats({
    url: options.url,
    ...(options.options && { options: options.options }),
    ...(options.inboxPrefix && { inboxPrefix: options.inboxPrefix }),
    name: options.name,
    logger: options.logger,
    signal: attempts.signal,
    onConnectedChange: (connected) => {
      if (!stopped) options.onConnectedChange?.(connected);
    },
    ...(options.onSubscriptionRefused && { onSubscriptionRefused: options.onSubscriptionRefused }),
  }).then((nc) => {
    if (stopped) {
      void nc.close();
      return undefined;
    }
    connected = nc;
    started = options.onConnected(nc);
    return nc;
  });
  // connectNats logs each reason it cannot connect; it only gives up when stop() aborts it.
  connection.catch(() => undefined);

  return {
    async stop(graceMs: number) {
      stopped = true;
      // A connection still being attempted is abandoned.
      attempts.abort();
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
