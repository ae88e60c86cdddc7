// The Score operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the backend.
import type { ScoreRequest__Output, ScoreResponse } from '@arbor/contracts';
import { readServicePrices, type ServicePrices } from '@arbor/kit';
import { InvalidArgumentError, ArborError } from '@arbor/kit/errors';
import type { RewardBackend } from './backend.js';

export const MAX_TRAJECTORIES = 1024;

export class ScoreHandler {
  /**
   * @param prices what this service charges per response; by default from the environment (ARBOR_PRICES_FILE,
   *   ARBOR_REWARD_PRICE_*), read once here, since the handler is built once at start.
   */
  constructor(
    private readonly backend: RewardBackend,
    private readonly prices: ServicePrices = readServicePrices('reward'),
  ) {}

  async score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse> {
    if (!request.problem) throw new InvalidArgumentError('problem', 'is required');
    if (request.trajectories.length === 0) throw new InvalidArgumentError('trajectories', 'must hold at least one trajectory');
    if (request.trajectories.length > MAX_TRAJECTORIES) {
      throw new InvalidArgumentError('trajectories', `at most ${MAX_TRAJECTORIES} per call, got ${request.trajectories.length}`);
    }
    const started = performance.now();
    const response = await this.backend.score(request, signal);
    if ((response.rewards?.length ?? 0) !== request.trajectories.length) {
      // A backend that loses or invents rows would silently misalign every caller's results.
      throw new ArborError('internal', `reward backend returned ${response.rewards?.length ?? 0} rows for ${request.trajectories.length} trajectories`);
    }
    if (response.usage && !response.usage.computeMs) response.usage.computeMs = performance.now() - started;
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    if (response.usage) this.prices.apply(this.backend.name, response.usage);
    return response;
  }
}
