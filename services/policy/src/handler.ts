// The Propose operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the backend.
import type { PolicyHandler, ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { readServicePrices, type ServicePrices } from '@arbor/kit';
import { InvalidArgumentError } from '@arbor/kit/errors';
import type { PolicyBackend } from './backend.js';

/** More candidates than this in one call is a client bug, not a search. */
export const MAX_CANDIDATES = 64;
export const MAX_PREFIX_STEPS = 256;

export class ProposeHandler implements PolicyHandler {
  /**
   * @param prices what this service charges per response; by default from the environment (ARBOR_PRICES_FILE,
   *   ARBOR_POLICY_PRICE_*), read once here, since the handler is built once at start.
   */
  constructor(
    private readonly backend: PolicyBackend,
    private readonly prices: ServicePrices = readServicePrices('policy'),
  ) {}

  async propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse> {
    if (!request.problem) throw new InvalidArgumentError('problem', 'is required');
    if (request.numCandidates < 1 || request.numCandidates > MAX_CANDIDATES) {
      throw new InvalidArgumentError('num_candidates', `must be between 1 and ${MAX_CANDIDATES}, got ${request.numCandidates}`);
    }
    const steps = request.prefix?.steps.length ?? 0;
    if (steps > MAX_PREFIX_STEPS) {
      throw new InvalidArgumentError('prefix.steps', `at most ${MAX_PREFIX_STEPS} steps, got ${steps}`);
    }
    const started = performance.now();
    const response = await this.backend.propose(request, signal);
    if (response.usage && !response.usage.computeMs) response.usage.computeMs = performance.now() - started;
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    if (response.usage) this.prices.apply(this.backend.name, response.usage);
    return response;
  }
}
