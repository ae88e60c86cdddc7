// The orchestrator's NATS connection, which may not exist yet: the server starts (NOT_SERVING) before NATS
// answers, and calls made meanwhile fail UNAVAILABLE (and are retried) instead of blocking start-up. It also
// tells whoever listens when the connection comes back, so that calls in flight across an outage are re-sent
// at once rather than after their timeout.
import type { NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '@arbor/kit/errors';

export class NatsLink {
  private connection: NatsConnection | undefined;
  private readonly reconnectListeners = new Set<() => void>();
  private reconnectedAt = Number.NEGATIVE_INFINITY;

  set(nc: NatsConnection): void {
    this.connection = nc;
  }

  get current(): NatsConnection | undefined {
    return this.connection;
  }

  require(): NatsConnection {
    if (!this.connection || this.connection.isClosed()) throw new UnavailableError('not connected to NATS');
    return this.connection;
  }

  /**
   * Called by whoever watches the connection each time it is up; the first time (before a connection was set)
   * is not a reconnect and changes nothing.
   */
  reconnected(): void {
    if (!this.connection) return;
    this.reconnectedAt = Date.now();
    for (const listener of [...this.reconnectListeners]) listener();
  }

  /** Milliseconds since the connection last came back (Infinity if it never dropped). */
  sinceReconnectMs(): number {
    return Date.now() - this.reconnectedAt;
  }

  /** Calls `listener` on every reconnect until the returned function is called. */
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }
}
