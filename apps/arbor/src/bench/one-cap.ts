// One cap on model calls in flight shared by every service: B3's way to run a search with exactly N calls in
// flight (its one-at-a-time baseline). The orchestrator itself limits each service on its own (call-limiter.ts).
import type { CallOptions, ModelTransports, UnaryTransport } from '@arbor/orchestrator/parts';

export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  get inFlight(): number {
    return this.active;
  }

  /** Resolves when a slot is free; rejects if `signal` aborts first (the slot is then not taken). */
  acquire(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal.removeEventListener('abort', onAbort);
        this.active++;
        resolve();
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal.reason);
      };
      this.waiting.push(grant);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

function limited<Req, Res>(semaphore: Semaphore, transport: UnaryTransport<Req, Res>): UnaryTransport<Req, Res> {
  return async (request: Req, options: CallOptions) => {
    await semaphore.acquire(options.signal);
    try {
      return await transport(request, options);
    } finally {
      semaphore.release();
    }
  };
}

/** The same transports, sharing one cap on calls in flight. */
export function limitInFlight(transports: ModelTransports, semaphore: Semaphore): ModelTransports {
  return {
    propose: limited(semaphore, transports.propose),
    evaluate: limited(semaphore, transports.evaluate),
    score: limited(semaphore, transports.score),
    close: () => transports.close(),
  };
}
