// The Evaluate operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the states
// go to the backend, micro-batched with other callers' states when batching is on.
import type { EvaluateRequest__Output, EvaluateResponse, Usage } from '@arbor/contracts';
import { MicroBatcher, readServicePrices, shareBatchUsage, sumShares, type ItemShare, type ServicePrices } from '@arbor/kit';
import { ArborError, InvalidArgumentError, isRequestFault } from '@arbor/kit/errors';
import type { ValueBackend, ValueItem } from './backend.js';
import type { Batching } from './config.js';
import { itemWeight } from './item-weight.js';

export const MAX_STATES = 1024;

/** Batching off: each request is one backend call, as it comes. */
export const NO_BATCHING: Batching = { maxItems: 1, maxWaitMs: 0 };

interface ItemResult extends ItemShare {
  value: number;
}

export class EvaluateHandler {
  readonly #batcher: MicroBatcher<ValueItem, ItemResult> | undefined;

  /**
   * @param prices what this service charges per response; by default from the environment (ARBOR_PRICES_FILE,
   *   ARBOR_VALUE_PRICE_*), read once here, since the handler is built once at start.
   * @param batching how states of concurrent requests are gathered into one backend call (valueBatching(config)).
   */
  constructor(
    private readonly backend: ValueBackend,
    private readonly prices: ServicePrices = readServicePrices('value'),
    batching: Batching = NO_BATCHING,
  ) {
    this.#batcher =
      batching.maxItems > 1
        ? new MicroBatcher<ValueItem, ItemResult>({
            maxItems: batching.maxItems,
            maxWaitMs: batching.maxWaitMs,
            run: (items, signal) => this.#run(items, signal),
            // A server refusing a shared request (one caller's over-long step, one trajectory's rows gone
            // wrong) re-runs it caller by caller, so only the caller at fault fails. Outages fail everyone.
            isolate: isRequestFault,
          })
        : undefined;
  }

  /** Backend calls and items so far, when batching is on. */
  get batchStats(): { batches: number; items: number } | undefined {
    return this.#batcher?.stats;
  }

  async evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse> {
    const problem = request.problem;
    if (!problem) throw new InvalidArgumentError('problem', 'is required');
    if (request.states.length === 0) throw new InvalidArgumentError('states', 'must hold at least one trajectory');
    if (request.states.length > MAX_STATES) {
      throw new InvalidArgumentError('states', `at most ${MAX_STATES} per call, got ${request.states.length}`);
    }
    // Before queueing: a problem the backend cannot serve must fail this caller only, not a shared batch.
    this.backend.check(problem);
    const items = request.states.map((state): ValueItem => ({ problem, state }));
    let response: EvaluateResponse & { usage: Usage };
    if (this.#batcher) {
      const results = await this.#batcher.submit(items, signal);
      response = { values: results.map((r) => r.value), usage: sumShares(results) };
    } else {
      // Unbatched, the backend's call is this request's alone: its usage needs no sharing out.
      const { values, usage, elapsedMs } = await this.#call(items, signal);
      response = { values, usage: { ...usage, calls: 1, costUsd: Number(usage.costUsd ?? 0), computeMs: Number(usage.computeMs ?? 0) || elapsedMs } };
    }
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    this.prices.apply(this.backend.name, response.usage);
    return response;
  }

  /** One backend call for a batch, its usage shared out over the items. */
  async #run(items: readonly ValueItem[], signal: AbortSignal): Promise<ItemResult[]> {
    const { values, usage, elapsedMs } = await this.#call(items, signal);
    const shares = shareBatchUsage(usage, items.map(itemWeight), elapsedMs);
    return shares.map((share, i) => ({ ...share, value: values[i] as number }));
  }

  /** One backend call, its reply checked against the items it was for. */
  async #call(items: readonly ValueItem[], signal: AbortSignal): Promise<{ values: number[]; usage: Usage; elapsedMs: number }> {
    const started = performance.now();
    const { values, usage } = await this.backend.evaluate(items, signal);
    if (values.length !== items.length) {
      // A backend that loses or invents rows would silently misalign every caller's results.
      throw new ArborError('internal', `value backend returned ${values.length} values for ${items.length} states`);
    }
    return { values, usage, elapsedMs: performance.now() - started };
  }
}
