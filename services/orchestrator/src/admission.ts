// Admission of searches: at most `maxRunning` run at once; the next ones wait in a bounded FIFO queue for a
// bounded time, and a search that cannot be admitted is refused RESOURCE_EXHAUSTED naming the limit, at once
// when the queue is full. Never a silent time-out.
import { CancelledError, ResourceExhaustedError, UnavailableError } from '@arbor/kit/errors';

export interface AdmissionLimits {
  /** ARBOR_MAX_CONCURRENT_SEARCHES */
  maxRunning: number;
  /** ARBOR_ADMISSION_QUEUE: searches that may wait for a slot; more are refused at once. */
  maxWaiting: number;
  /** ARBOR_ADMISSION_MAX_WAIT_MS: the longest a search waits for a slot. */
  maxWaitMs: number;
}

export const DEFAULT_ADMISSION: AdmissionLimits = { maxRunning: 64, maxWaiting: 256, maxWaitMs: 30_000 };

interface Waiter {
  admit: () => void;
  refuse: (err: Error) => void;
}

export class Admission {
  #running = 0;
  readonly #queue: Waiter[] = [];
  #closedBy: Error | undefined;

  constructor(readonly limits: AdmissionLimits = DEFAULT_ADMISSION) {}

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Resolves once the search may run; the caller must call `leave()` when it ends. Waits at most until
   * `waitUntil` (epoch ms; the search's own deadline, when sooner than the queue's limit) and no longer than
   * `signal` allows.
   */
  enter(signal: AbortSignal | undefined, waitUntil: number): Promise<void> {
    if (this.#closedBy) return Promise.reject(this.#closedBy);
    if (signal?.aborted) return Promise.reject(new CancelledError('search cancelled before it started'));
    const { maxRunning, maxWaiting, maxWaitMs } = this.limits;
    if (this.#running < maxRunning && this.#queue.length === 0) {
      this.#running++;
      return Promise.resolve();
    }
    if (this.#queue.length >= maxWaiting) {
      return Promise.reject(
        new ResourceExhaustedError(
          `${this.#running} searches running (ARBOR_MAX_CONCURRENT_SEARCHES=${maxRunning}) and ${this.#queue.length} waiting ` +
            `(ARBOR_ADMISSION_QUEUE=${maxWaiting}); retry later`,
        ),
      );
    }
    return new Promise<void>((resolve, reject) => {
      const byDeadline = waitUntil < Date.now() + maxWaitMs;
      const until = byDeadline ? waitUntil : Date.now() + maxWaitMs;
      const bound = byDeadline ? "before the search's deadline" : `within ARBOR_ADMISSION_MAX_WAIT_MS=${maxWaitMs}`;
      const timer = setTimeout(() => {
        remove();
        reject(
          new ResourceExhaustedError(
            `no search slot freed ${bound} (ARBOR_MAX_CONCURRENT_SEARCHES=${maxRunning} running); retry later`,
          ),
        );
      }, Math.max(0, until - Date.now()));
      const onAbort = () => {
        remove();
        reject(new CancelledError('search cancelled while waiting for a slot'));
      };
      const waiter: Waiter = {
        admit: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          this.#running++;
          resolve();
        },
        refuse: (err) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      const remove = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = this.#queue.indexOf(waiter);
        if (index >= 0) this.#queue.splice(index, 1);
      };
      this.#queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** A running search ended: the longest-waiting one takes its slot. */
  leave(): void {
    this.#running--;
    while (this.#running < this.limits.maxRunning && this.#queue.length > 0) this.#queue.shift()!.admit();
  }

  /** Refuses every waiting search and every later one with UNAVAILABLE (the server is draining). */
  close(message: string): void {
    this.#closedBy = new UnavailableError(message);
    for (const waiter of this.#queue.splice(0)) waiter.refuse(this.#closedBy);
  }
}
