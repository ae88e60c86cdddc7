// The Score operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the trajectories
// go to the backend, micro-batched with other callers' trajectories when batching is on (BackendCalls).
import type { RewardHandler, ScoreRequest__Output, ScoreResponse, StepRewards, Usage } from '@arbor/contracts';
import { BackendCalls, NO_BATCHING, readServicePrices, type Batching, type ServicePrices } from '@arbor/kit';
import { ArborError, InvalidArgumentError } from '@arbor/kit/errors';
import type { RewardBackend, RewardItem } from './backend.js';
import { itemWeight } from './item-weight.js';

export const MAX_TRAJECTORIES = 1024;

export { NO_BATCHING };

export class ScoreHandler implements RewardHandler {
  readonly #calls: BackendCalls<RewardItem, StepRewards>;

  /**
   * @param prices what this service charges per response; by default from the environment (ARBOR_PRICES_FILE,
   *   ARBOR_REWARD_PRICE_*), read once here, since the handler is built once at start.
   * @param batching how trajectories of concurrent requests are gathered into one backend call (rewardBatching(config)).
   */
  constructor(
    private readonly backend: RewardBackend,
    private readonly prices: ServicePrices = readServicePrices('reward'),
    batching: Batching = NO_BATCHING,
  ) {
    this.#calls = new BackendCalls({ batching, weight: itemWeight, call: (items, signal) => this.#score(items, signal) });
  }

  /** Backend calls and items so far, when batching is on. */
  get batchStats(): { batches: number; items: number } | undefined {
    return this.#calls.batchStats;
  }

  async score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse> {
    const problem = request.problem;
    if (!problem) throw new InvalidArgumentError('problem', 'is required');
    if (request.trajectories.length === 0) throw new InvalidArgumentError('trajectories', 'must hold at least one trajectory');
    if (request.trajectories.length > MAX_TRAJECTORIES) {
      throw new InvalidArgumentError('trajectories', `at most ${MAX_TRAJECTORIES} per call, got ${request.trajectories.length}`);
    }
    // Before queueing: a problem the backend cannot serve must fail this caller only, not a shared batch.
    this.backend.check(problem);
    const items = request.trajectories.map((trajectory): RewardItem => ({ problem, trajectory }));
    const { results, usage } = await this.#calls.run(items, signal);
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    this.prices.apply(this.backend.name, usage);
    return { rewards: results, usage };
  }

  /** One backend call, its reply checked against the items it was for. */
  async #score(items: readonly RewardItem[], signal: AbortSignal): Promise<{ results: StepRewards[]; usage: Usage }> {
    const { rewards, usage } = await this.backend.score(items, signal);
    if (rewards.length !== items.length) {
      // A backend that loses or invents rows would silently misalign every caller's results.
      throw new ArborError('internal', `reward backend returned ${rewards.length} rows for ${items.length} trajectories`);
    }
    rewards.forEach((r, i) => {
      const steps = items[i]?.trajectory.steps.length ?? 0;
      if ((r.stepRewards?.length ?? 0) !== steps) {
        throw new ArborError('internal', `reward backend returned ${r.stepRewards?.length ?? 0} step rewards for ${steps} steps`);
      }
    });
    return { results: rewards, usage };
  }
}
