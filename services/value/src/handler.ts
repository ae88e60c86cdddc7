// The Evaluate operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the states
// go to the backend, micro-batched with other callers' states when batching is on (BackendCalls).
import type { ValueHandler, EvaluateRequest__Output, EvaluateResponse, Usage } from '@arbor/contracts';
import { BackendCalls, NO_BATCHING, readServicePrices, type Batching, type ServicePrices } from '@arbor/kit';
import { ArborError, InvalidArgumentError } from '@arbor/kit/errors';
import type { ValueBackend, ValueItem } from './backend.js';
import { itemWeight } from './item-weight.js';

export const MAX_STATES = 1024;

export { NO_BATCHING };

export class EvaluateHandler implements ValueHandler {
  readonly #calls: BackendCalls<ValueItem, number>;

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
    this.#calls = new BackendCalls({ batching, weight: itemWeight, call: (items, signal) => this.#evaluate(items, signal) });
  }

  /** Backend calls and items so far, when batching is on. */
  get batchStats(): { batches: number; items: number } | undefined {
    return this.#calls.batchStats;
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
    const { results, usage } = await this.#calls.run(items, signal);
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    this.prices.apply(this.backend.name, usage);
    return { values: results, usage };
  }

  /** One backend call, its reply checked against the items it was for. */
  async #evaluate(items: readonly ValueItem[], signal: AbortSignal): Promise<{ results: number[]; usage: Usage }> {
    const { values, usage } = await this.backend.evaluate(items, signal);
    if (values.length !== items.length) {
      // A backend that loses or invents rows would silently misalign every caller's results.
      throw new ArborError('internal', `value backend returned ${values.length} values for ${items.length} states`);
    }
    return { results: values, usage };
  }
}
