// The Evaluate operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the backend.
import type { EvaluateRequest__Output, EvaluateResponse } from '@arbor/contracts';
import { readServicePrices, type ServicePrices } from '@arbor/kit';
import { InvalidArgumentError, ArborError } from '@arbor/kit/errors';
import type { ValueBackend } from './backend.js';

export const MAX_STATES = 1024;

export class EvaluateHandler {
  /**
   * @param prices what this service charges per response; by default from the environment (ARBOR_PRICES_FILE,
   *   ARBOR_VALUE_PRICE_*), read once here, since the handler is built once at start.
   */
  constructor(
    private readonly backend: ValueBackend,
    private readonly prices: ServicePrices = readServicePrices('value'),
  ) {}

  async evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse> {
    if (!request.problem) throw new InvalidArgumentError('problem', 'is required');
    if (request.states.length === 0) throw new InvalidArgumentError('states', 'must hold at least one trajectory');
    if (request.states.length > MAX_STATES) {
      throw new InvalidArgumentError('states', `at most ${MAX_STATES} per call, got ${request.states.length}`);
    }
    const started = performance.now();
    const response = await this.backend.evaluate(request, signal);
    if ((response.values?.length ?? 0) !== request.states.length) {
      // A backend that loses or invents rows would silently misalign every caller's results.
      throw new ArborError('internal', `value backend returned ${response.values?.length ?? 0} values for ${request.states.length} states`);
    }
    if (response.usage && !response.usage.computeMs) response.usage.computeMs = performance.now() - started;
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    if (response.usage) this.prices.apply(this.backend.name, response.usage);
    return response;
  }
}
