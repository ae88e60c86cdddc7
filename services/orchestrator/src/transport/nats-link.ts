// The orchestrator's NATS connection, which may not exist yet: the server starts (NOT_SERVING) before NATS
// answers, and calls made meanwhile fail UNAVAILABLE (and are retried) instead of blocking start-up.
import type { NatsConnection } from '@nats-io/transport-node';
import { UnavailableError } from '@arbor/kit/errors';

export class NatsLink {
  private connection: NatsConnection | undefined;

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
}
