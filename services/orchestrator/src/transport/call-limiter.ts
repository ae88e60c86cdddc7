// Backpressure towards one model service: calls in flight are kept within what its replicas take, the rest wait
// in a queue that is fair across searches, and a "busy" reply is a reason to wait, never to fail.
//
// The limit adapts (AIMD, as TCP and Netflix's concurrency-limits do): it grows by one for each limit's worth of
// calls answered while it was the bottleneck, and shrinks by a quarter when a replica answers busy, at most once
// per cool-down so that one burst of busy replies counts once.
import { sleep } from '@arbor/kit';
import { ArborError } from '@arbor/kit/errors';
import type { CallOptions, CallResult, ModelTransports, UnaryTransport } from './types.js';

/** A replica refused the call because it was at its in-flight cap: nothing failed, the call must wait. */
export class BusyError extends ArborError {
  /** Extra copies of the call the transport sent before the busy reply (hedges, re-sends). */
  hedges = 0;

  constructor(message: string, options?: { cause?: unknown }) {
    super('resource_exhausted', message, options);
    this.name = 'BusyError';
  }
}

export interface LimiterSettings {
  /** Calls in flight at first. */
  initial: number;
  /** Never fewer than this (a service that answers busy to everything still gets probed). */
  min: number;
  /** Never more than this. */
  max: number;
  /** Least time between two decreases. */
  coolDownMs: number;
}

/**
 * Start at the maximum: a model server that queues internally (vLLM, SGLang) never answers busy, and a search
 * must not be throttled below what it could use. Replicas with a cap answer busy once the limit is above what
 * they take together, and the limit comes down to that within a few cool-downs.
 */
export const DEFAULT_LIMITER: LimiterSettings = { initial: 256, min: 1, max: 256, coolDownMs: 100 };

interface Waiter {
  grant: () => void;
}

export class CallLimiter {
  #limit: number;
  /** What the replicas are known to take together, when known; never above settings.max. */
  #ceiling: number;
  #inFlight = 0;
  #lastDecrease = -Infinity;
  /** Waiting calls per search, in arrival order; the map's own order is the round-robin order of searches. */
  readonly #waiting = new Map<string, Waiter[]>();
  #waitingCount = 0;

  constructor(
    readonly settings: LimiterSettings = DEFAULT_LIMITER,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#limit = Math.min(settings.max, Math.max(settings.min, settings.initial));
    this.#ceiling = settings.max;
  }

  /**
   * The replicas' combined capacity, learnt from discovery (0: none known, which changes nothing). The limit never
   * goes above it; a limit that sat at the old ceiling moves with it, so that new replicas are used at once.
   */
  setCapacity(capacity: number): void {
    if (!(capacity > 0)) return;
    const atCeiling = this.#limit >= this.#ceiling;
    this.#ceiling = Math.max(this.settings.min, Math.min(this.settings.max, capacity));
    if (atCeiling || this.#limit > this.#ceiling) this.#limit = this.#ceiling;
    this.#grantWaiting();
  }

  /** The current limit, rounded down: how many calls may be in flight. */
  get limit(): number {
    return Math.floor(this.#limit);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#waitingCount;
  }

  /**
   * Resolves when the call may start. `key` groups the calls of one search: when calls wait, searches take
   * turns, so a wide search cannot hold back a narrow one. Rejects (taking no slot) if `signal` aborts first.
   */
  acquire(key: string, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(signal.reason);
    if (this.#inFlight < this.limit && this.#waitingCount === 0) {
      this.#inFlight++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          this.#inFlight++;
          resolve();
        },
      };
      const onAbort = () => {
        const queue = this.#waiting.get(key);
        const index = queue?.indexOf(waiter) ?? -1;
        if (queue && index >= 0) {
          queue.splice(index, 1);
          this.#waitingCount--;
          if (queue.length === 0) this.#waiting.delete(key);
        }
        reject(signal.reason);
      };
      const queue = this.#waiting.get(key);
      if (queue) queue.push(waiter);
      else this.#waiting.set(key, [waiter]);
      this.#waitingCount++;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends a call that held a slot; `outcome` adjusts the limit. */
  release(outcome: 'ok' | 'busy' | 'failed'): void {
    const saturated = this.#inFlight >= this.limit;
    this.#inFlight--;
    if (outcome === 'ok' && saturated) {
      this.#limit = Math.min(this.#ceiling, this.#limit + 1 / this.#limit);
    } else if (outcome === 'busy') {
      const now = this.now();
      if (now - this.#lastDecrease >= this.settings.coolDownMs) {
        this.#lastDecrease = now;
        this.#limit = Math.max(this.settings.min, this.#limit * 0.75);
      }
    }
    this.#grantWaiting();
  }

  #grantWaiting(): void {
    while (this.#inFlight < this.limit && this.#waitingCount > 0) {
      // The search whose turn it is: the first in the map. It goes to the back if it still has calls waiting.
      const [key, queue] = this.#waiting.entries().next().value as [string, Waiter[]];
      const waiter = queue.shift()!;
      this.#waitingCount--;
      this.#waiting.delete(key);
      if (queue.length > 0) this.#waiting.set(key, queue);
      waiter.grant();
    }
  }
}

/** Pause before a busy call queues again: short, jittered, so retries of one burst do not land together. */
function busyPause(): number {
  return 5 + Math.random() * 20;
}

function limited<Req, Res>(limiter: CallLimiter, transport: UnaryTransport<Req, Res>): UnaryTransport<Req, Res> {
  return async (request: Req, options: CallOptions): Promise<CallResult<Res>> => {
    const key = options.searchId ?? '';
    let earlierHedges = 0;
    for (;;) {
      await limiter.acquire(key, options.signal);
      let outcome: 'ok' | 'busy' | 'failed' = 'failed';
      try {
        const result = await transport(request, options);
        outcome = 'ok';
        return earlierHedges > 0 ? { ...result, hedges: (result.hedges ?? 0) + earlierHedges } : result;
      } catch (err) {
        if (!(err instanceof BusyError)) throw err;
        outcome = 'busy';
        earlierHedges += err.hedges;
      } finally {
        limiter.release(outcome);
      }
      // Busy is backpressure: wait for a slot again, for as long as the search's deadline allows (its signal
      // aborts the wait at the deadline).
      await sleep(busyPause(), options.signal);
    }
  };
}

export interface ServiceLimiters {
  policy: CallLimiter;
  value: CallLimiter;
  reward: CallLimiter;
}

export function serviceLimiters(settings: LimiterSettings): ServiceLimiters {
  return { policy: new CallLimiter(settings), value: new CallLimiter(settings), reward: new CallLimiter(settings) };
}

/** The limiters the orchestrator runs with: per service, starting at and never above ARBOR_MAX_CALLS_IN_FLIGHT. */
export function orchestratorLimiters(maxCallsInFlight: number): ServiceLimiters {
  return serviceLimiters({ ...DEFAULT_LIMITER, initial: maxCallsInFlight, max: maxCallsInFlight });
}

/** The same transports, each behind its service's limiter. */
export function limitCalls(transports: ModelTransports, limiters: ServiceLimiters): ModelTransports {
  return {
    propose: limited(limiters.policy, transports.propose),
    evaluate: limited(limiters.value, transports.evaluate),
    score: limited(limiters.reward, transports.score),
    close: () => transports.close(),
  };
}
