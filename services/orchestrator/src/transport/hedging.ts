// When to send a second copy of a model call that is late: after the service's recently observed p99 latency
// times a factor (never sooner than a floor), and only while hedges stay a small share of all calls, so that
// hedging cannot double an overload. A hung or dead replica then costs one hedge delay, not a timeout.

export interface HedgeSettings {
  /** Hedge once a reply is later than the p99 of recent replies times this. */
  factor: number;
  /** Never hedge sooner than this. */
  minDelayMs: number;
  /** At most this share of calls may be hedged (a token bucket: each call adds the share, a hedge costs one). */
  maxShare: number;
  /** Replies to learn from before hedging at all: with none seen, a slow service must not be hedged blindly. */
  minSamples: number;
}

export const DEFAULT_HEDGING: HedgeSettings = { factor: 3, minDelayMs: 250, maxShare: 0.1, minSamples: 20 };

const WINDOW = 256;
/** Hedges that may go out back to back when calls have been quiet (the bucket's size). */
const BURST = 10;

export class HedgePolicy {
  readonly #samples: number[] = [];
  #next = 0;
  #p99: number | undefined;
  #sinceSorted = 0;
  #tokens: number;

  constructor(readonly settings: HedgeSettings = DEFAULT_HEDGING) {
    this.#tokens = settings.maxShare > 0 ? BURST : 0;
  }

  /** A reply arrived this long after its request was sent. */
  record(latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    if (this.#samples.length < WINDOW) this.#samples.push(latencyMs);
    else this.#samples[this.#next] = latencyMs;
    this.#next = (this.#next + 1) % WINDOW;
    // Re-sorting every reply would cost more than it tells; every 16 replies keeps the estimate fresh.
    if (++this.#sinceSorted >= 16 || this.#p99 === undefined) {
      this.#sinceSorted = 0;
      const sorted = [...this.#samples].sort((a, b) => a - b);
      this.#p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    }
  }

  /** How long to wait for a reply before hedging; Infinity until enough replies were seen. */
  delayMs(): number {
    if (this.#samples.length < this.settings.minSamples || this.#p99 === undefined) return Number.POSITIVE_INFINITY;
    return Math.max(this.settings.minDelayMs, this.#p99 * this.settings.factor);
  }

  /** A call starts: it earns its share of a hedge. */
  called(): void {
    this.#tokens = Math.min(BURST, this.#tokens + this.settings.maxShare);
  }

  /** Takes one hedge from the budget; false when hedges are already their full share of calls. */
  tryHedge(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
