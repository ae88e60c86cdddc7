// What the orchestrator knows of one model service's replicas on NATS: which answer (discovery rounds and
// replies), what each takes (its in-flight cap), how many of our calls each has, and which stopped answering.
// Calls go to the least loaded replica that answers; a suspect one (a call to it went unanswered past the hedge
// delay) is avoided until it answers again, so a hung replica is not retried into. A request may name the replica
// it would rather have (replica affinity: the one that served its parent); it gets it unless that replica is
// suspect, full, lately busy, or more loaded than its share by more than the load factor (bounded loads).
import { withinLoadBound } from '@arbor/kit';

export interface ReplicaAnswer {
  id: string;
  /** Calls it takes at once. */
  capacity: number;
}

interface Replica {
  id: string;
  capacity: number;
  /** Our calls to it not yet settled. */
  inFlight: number;
  /** When it last answered anything (a call or discovery). */
  lastSeen: number;
  /** Set while it is avoided: when a call to it went unanswered. */
  suspectSince?: number;
  /** Until then it is no request's preferred replica: it answered busy (other orchestrators fill it too). */
  busyUntil?: number;
}

export interface ReplicaSetOptions {
  /** A replica that has answered nothing for this long is dropped (a discovery round runs every ~2 s). */
  forgetAfterMs: number;
  /** A suspect replica that answers discovery (but not our calls) gets calls again after this long. */
  suspectForMs: number;
  /**
   * A preferred replica takes a request only while it holds, with it, at most this many times its share of our
   * calls in flight (by capacity), rounded up.
   */
  loadFactor: number;
  /** A replica that answered busy is no request's preferred one for this long. */
  busyForMs: number;
}

export const DEFAULT_REPLICA_OPTIONS: ReplicaSetOptions = { forgetAfterMs: 6_000, suspectForMs: 10_000, loadFactor: 1.25, busyForMs: 1_000 };

export class ReplicaSet {
  readonly #replicas = new Map<string, Replica>();

  constructor(
    readonly options: ReplicaSetOptions = DEFAULT_REPLICA_OPTIONS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Replicas that answered a discovery round: seen now, with their capacity. */
  discovered(answers: readonly ReplicaAnswer[]): void {
    const now = this.now();
    for (const answer of answers) {
      const known = this.#replicas.get(answer.id);
      if (known) {
        known.capacity = answer.capacity;
        known.lastSeen = now;
        if (known.suspectSince !== undefined && now - known.suspectSince >= this.options.suspectForMs) delete known.suspectSince;
      } else {
        this.#replicas.set(answer.id, { id: answer.id, capacity: answer.capacity, inFlight: 0, lastSeen: now });
      }
    }
    for (const [id, replica] of this.#replicas) {
      if (now - replica.lastSeen >= this.options.forgetAfterMs && replica.inFlight === 0) this.#replicas.delete(id);
    }
  }

  /** A reply came from this replica: it answers, whatever it said. */
  heardFrom(id: string): void {
    const replica = this.#replicas.get(id);
    if (!replica) return; // Learnt from discovery only, where its capacity comes with it.
    replica.lastSeen = this.now();
    delete replica.suspectSince;
  }

  /** A call to it went unanswered past the hedge delay: send it nothing new until it answers. */
  suspect(id: string): void {
    const replica = this.#replicas.get(id);
    if (replica && replica.suspectSince === undefined) replica.suspectSince = this.now();
  }

  /** It refused a call for being at its in-flight cap: send it no preferred calls for a while. */
  busy(id: string): void {
    const replica = this.#replicas.get(id);
    if (replica) replica.busyUntil = this.now() + this.options.busyForMs;
  }

  /** Its direct subject has no subscriber: it is gone (killed, or stopped). */
  gone(id: string): void {
    this.#replicas.delete(id);
  }

  started(id: string | undefined): void {
    const replica = id === undefined ? undefined : this.#replicas.get(id);
    if (replica) replica.inFlight++;
  }

  finished(id: string | undefined): void {
    const replica = id === undefined ? undefined : this.#replicas.get(id);
    if (replica) replica.inFlight = Math.max(0, replica.inFlight - 1);
  }

  /**
   * The replica a new request should go to: `preferred` when it can take it (see `#takes`); otherwise, among those
   * that answer and are not `avoid`ed, the one with the most room (our calls in flight against its capacity; one
   * that lately answered busy counts as full), ties broken at random. Undefined when none qualifies: the caller
   * then sends to the queue group.
   */
  pick(avoid: ReadonlySet<string> = new Set(), preferred?: string): string | undefined {
    if (preferred !== undefined && !avoid.has(preferred) && this.#takes(preferred)) return preferred;
    const now = this.now();
    let best: Replica[] = [];
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const replica of this.#replicas.values()) {
      if (replica.suspectSince !== undefined || avoid.has(replica.id)) continue;
      // A replica that lately answered busy counts as full: others take the call first.
      const load = replica.inFlight / Math.max(1, replica.capacity) + (this.#isBusy(replica, now) ? 1 : 0);
      if (load < bestLoad) {
        best = [replica];
        bestLoad = load;
      } else if (load === bestLoad) best.push(replica);
    }
    if (best.length === 0) return undefined;
    return best[Math.floor(Math.random() * best.length)]!.id;
  }

  /**
   * Whether a preferred replica takes one more call: known, not suspect, not lately busy, below its capacity, and
   * within the load bound: with the call, at most loadFactor x its share (by capacity) of all our calls in flight
   * to the replicas that take calls, rounded up.
   */
  #takes(id: string): boolean {
    const replica = this.#replicas.get(id);
    if (!replica || replica.suspectSince !== undefined || this.#isBusy(replica, this.now())) return false;
    if (replica.inFlight + 1 > replica.capacity) return false;
    let totalInFlight = 0;
    let capacity = 0;
    for (const other of this.#replicas.values()) {
      if (other.suspectSince !== undefined) continue;
      totalInFlight += other.inFlight;
      capacity += Math.max(1, other.capacity);
    }
    const share = { numerator: Math.max(1, replica.capacity), denominator: capacity };
    return withinLoadBound({ inFlight: replica.inFlight, totalInFlight, share, loadFactor: this.options.loadFactor });
  }

  #isBusy(replica: Replica, now: number): boolean {
    return replica.busyUntil !== undefined && replica.busyUntil > now;
  }

  /** Replicas that answer and are not suspect. */
  get healthy(): number {
    let count = 0;
    for (const replica of this.#replicas.values()) if (replica.suspectSince === undefined) count++;
    return count;
  }

  /** Replicas known, suspect or not. */
  get size(): number {
    return this.#replicas.size;
  }

  /** Replicas that answered anything (a call or discovery) within the last `windowMs`. */
  answering(windowMs: number): number {
    const since = this.now() - windowMs;
    let count = 0;
    for (const replica of this.#replicas.values()) if (replica.lastSeen > since) count++;
    return count;
  }

  /**
   * What the replicas that answered within the last `windowMs` take together (0 when none did). Suspect ones
   * count while they answer discovery: a slow moment must not cut what the orchestrator sends the others.
   */
  capacity(windowMs: number): number {
    const since = this.now() - windowMs;
    let total = 0;
    for (const replica of this.#replicas.values()) if (replica.lastSeen > since) total += replica.capacity;
    return total;
  }
}
