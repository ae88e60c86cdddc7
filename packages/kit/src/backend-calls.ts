// How a value or reward handler reaches its backend: one call per request, or, with batching on, its items
// gathered with other callers' into shared calls (MicroBatcher) whose usage is shared out again. Either way the
// caller gets its own results and the usage of one service call.
import type { Usage } from '@arbor/contracts';
import { shareBatchUsage, sumShares, type ItemShare } from './batch-usage.js';
import { isRequestFault } from './errors.js';
import { MicroBatcher } from './micro-batcher.js';

export interface Batching {
  /** Most items in one backend call; 1 turns batching off (each request is one backend call, as it comes). */
  maxItems: number;
  /** Longest the first item of a batch waits for more. */
  maxWaitMs: number;
}

/** Batching off: each request is one backend call, as it comes. */
export const NO_BATCHING: Batching = { maxItems: 1, maxWaitMs: 0 };

export interface BackendCallsOptions<I, R> {
  batching: Batching;
  /**
   * One backend call: one result per item, in order (checking the backend's reply is the caller's job), and the
   * call's usage, with `calls: 0` when it sent no request.
   */
  call(items: readonly I[], signal: AbortSignal): Promise<{ results: R[]; usage: Usage }>;
  /** An item's part of a shared call's usage, e.g. its estimated tokens. */
  weight(item: I): number;
}

interface ItemResult<R> extends ItemShare {
  result: R;
  /** False when the call that served the item sent no request. */
  called: boolean;
}

export class BackendCalls<I, R> {
  readonly #options: BackendCallsOptions<I, R>;
  readonly #batcher: MicroBatcher<I, ItemResult<R>> | undefined;

  constructor(options: BackendCallsOptions<I, R>) {
    this.#options = options;
    const { maxItems, maxWaitMs } = options.batching;
    this.#batcher =
      maxItems > 1
        ? new MicroBatcher<I, ItemResult<R>>({
            maxItems,
            maxWaitMs,
            run: (items, signal) => this.#shared(items, signal),
            // A server refusing a shared request because of one item (an over-long step, one trajectory's rows gone
            // wrong) re-runs it caller by caller, so only the caller at fault fails. Outages fail everyone.
            isolate: isRequestFault,
          })
        : undefined;
  }

  /** Backend calls and items so far, when batching is on. */
  get batchStats(): { batches: number; items: number } | undefined {
    return this.#batcher?.stats;
  }

  /** This caller's results, in item order, and its usage: one call, or none when no request was sent for it. */
  async run(items: readonly I[], signal: AbortSignal): Promise<{ results: R[]; usage: Usage }> {
    if (this.#batcher) {
      const shares = await this.#batcher.submit(items, signal);
      const usage = { ...sumShares(shares), calls: shares.some((s) => s.called) ? 1 : 0 };
      return { results: shares.map((s) => s.result), usage };
    }
    // Unbatched, the backend's call is this request's alone: its usage needs no sharing out.
    const started = performance.now();
    const { results, usage } = await this.#options.call(items, signal);
    const computeMs = Number(usage.computeMs ?? 0) || performance.now() - started;
    return { results, usage: { ...usage, calls: usage.calls === 0 ? 0 : 1, costUsd: Number(usage.costUsd ?? 0), computeMs } };
  }

  /** One shared backend call, its usage shared out over the items by weight. */
  async #shared(items: I[], signal: AbortSignal): Promise<ItemResult<R>[]> {
    const started = performance.now();
    const { results, usage } = await this.#options.call(items, signal);
    const shares = shareBatchUsage(usage, items.map(this.#options.weight), performance.now() - started);
    const called = usage.calls !== 0;
    return shares.map((share, i) => ({ ...share, result: results[i] as R, called }));
  }
}
