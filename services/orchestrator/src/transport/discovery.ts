// Finds the replicas of each model service on NATS: every couple of seconds (and at once after a reconnect) it
// asks each service's discovery subject, where every replica answers with its id and its in-flight cap. What it
// learns feeds the routing (ReplicaSet) and whoever watches readiness and capacity.
import { discoverySubject, NATS_HEADERS, REPLICA_ID_PATTERN, type NatsOperation } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';
import type { NatsLink } from './nats-link.js';
import type { ReplicaAnswer, ReplicaSet } from './replicas.js';

export interface DiscoveredService {
  operation: NatsOperation;
  /** The service's queue-group subject. */
  subject: string;
  replicas: ReplicaSet;
}

export interface DiscoveryOptions {
  intervalMs: number;
  /** How long one round listens for answers. */
  listenMs: number;
}

export const DEFAULT_DISCOVERY: DiscoveryOptions = { intervalMs: 2_000, listenMs: 250 };

export class ReplicaDiscovery {
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopReconnect: (() => void) | undefined;
  #running: Promise<void> | undefined;
  readonly #listeners = new Set<() => void>();

  constructor(
    private readonly link: NatsLink,
    readonly services: readonly DiscoveredService[],
    private readonly logger: Logger,
    private readonly options: DiscoveryOptions = DEFAULT_DISCOVERY,
  ) {}

  /** Rounds every interval from now on, and one at once after each reconnect. */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.round(), this.options.intervalMs);
    this.#timer.unref();
    this.#stopReconnect = this.link.onReconnect(() => void this.round());
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#stopReconnect?.();
  }

  /** How recently a replica must have answered to count as there: two rounds, so one missed answer is no outage. */
  get presenceWindowMs(): number {
    return 2 * this.options.intervalMs + this.options.listenMs;
  }

  /** Called after every round. */
  onRound(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One round now (rounds never overlap: a call during one waits for it). */
  round(): Promise<void> {
    this.#running ??= this.#discoverAll().finally(() => {
      this.#running = undefined;
      for (const listener of [...this.#listeners]) listener();
    });
    return this.#running;
  }

  async #discoverAll(): Promise<void> {
    const nc = this.link.current;
    if (!nc || nc.isClosed()) return;
    await Promise.all(
      this.services.map(async (service) => {
        const answers: ReplicaAnswer[] = [];
        try {
          const replies = await nc.requestMany(discoverySubject(service.subject), new Uint8Array(0), {
            strategy: 'timer',
            maxWait: this.options.listenMs,
          });
          for await (const msg of replies) {
            const id = msg.headers?.get(NATS_HEADERS.replica) ?? '';
            const capacity = Number(msg.headers?.get(NATS_HEADERS.capacity));
            if (REPLICA_ID_PATTERN.test(id) && Number.isInteger(capacity) && capacity > 0) answers.push({ id, capacity });
          }
        } catch (err) {
          // No responders, or the connection dropped mid-round: nothing learnt this round.
          this.logger.debug({ err, service: service.operation }, 'replica discovery round failed');
        }
        service.replicas.discovered(answers);
      }),
    );
  }
}
