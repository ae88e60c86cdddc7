// The Score operation shared by every transport (gRPC, NATS, in-process): envelope checks, then the trajectories
// go to the backend, micro-batched with other callers' trajectories when batching is on.
import type { ScoreRequest__Output, ScoreResponse, StepRewards, Usage } from '@arbor/contracts';
import { MicroBatcher, readServicePrices, shareBatchUsage, sumShares, type ItemShare, type ServicePrices } from '@arbor/kit';
import { ArborError, InvalidArgumentError, isRequestFault } from '@arbor/kit/errors';
import type { RewardBackend, RewardItem } from './backend.js';
import type { Batching } from './config.js';
import { itemWeight } from './item-weight.js';

export const MAX_TRAJECTORIES = 1024;

/** Batching off: each request is one backend call, as it comes. */
export const NO_BATCHING: Batching = { maxItems: 1, maxWaitMs: 0 };

interface ItemResult extends ItemShare {
  rewards: StepRewards;
  /** False when the backend call that scored it sent no request (vllm-prm with only empty trajectories). */
  called: boolean;
}

export class ScoreHandler {
  readonly #batcher: MicroBatcher<RewardItem, ItemResult> | undefined;

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
    this.#batcher =
      batching.maxItems > 1
        ? new MicroBatcher<RewardItem, ItemResult>({
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
    let response: ScoreResponse & { usage: Usage };
    if (this.#batcher) {
      const results = await this.#batcher.submit(items, signal);
      // One call as the caller sees it, or none when no batch it was in sent a request.
      response = { rewards: results.map((r) => r.rewards), usage: { ...sumShares(results), calls: results.some((r) => r.called) ? 1 : 0 } };
    } else {
      // Unbatched, the backend's call is this request's alone: its usage needs no sharing out. It is one call, or
      // none when the backend sent no request.
      const { rewards, usage, elapsedMs } = await this.#call(items, signal);
      response = { rewards, usage: { ...usage, calls: usage.calls === 0 ? 0 : 1, costUsd: Number(usage.costUsd ?? 0), computeMs: Number(usage.computeMs ?? 0) || elapsedMs } };
    }
    // The service, not the backend, prices a response: one table for every backend, embedded ones included.
    this.prices.apply(this.backend.name, response.usage);
    return response;
  }

  /** One backend call for a batch, its usage shared out over the items. */
  async #run(items: readonly RewardItem[], signal: AbortSignal): Promise<ItemResult[]> {
    const { rewards, usage, elapsedMs } = await this.#call(items, signal);
    const shares = shareBatchUsage(usage, items.map(itemWeight), elapsedMs);
    const called = usage.calls !== 0;
    return shares.map((share, i) => ({ ...share, rewards: rewards[i] as StepRewards, called }));
  }

  /** One backend call, its reply checked against the items it was for. */
  async #call(items: readonly RewardItem[], signal: AbortSignal): Promise<{ rewards: StepRewards[]; usage: Usage; elapsedMs: number }> {
    const started = performance.now();
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
    return { rewards, usage, elapsedMs: performance.now() - started };
  }
}
