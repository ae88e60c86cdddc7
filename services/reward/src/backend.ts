// The one interface every reward backend (embedded, vllm-prm, openai-judge, math-verify) implements. No transport in here.
import type { Problem__Output, StepRewards, Trajectory__Output, Usage } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';

/** One trajectory to score. A batch may mix items of different requests and problems. */
export interface RewardItem {
  problem: Problem__Output;
  trajectory: Trajectory__Output;
}

export interface RewardBackend {
  readonly name: string;
  /**
   * Throws InvalidArgumentError naming the field for a problem this backend cannot serve. The handler calls it
   * for each request before queueing, so one caller's bad problem never fails a batch shared with others.
   */
  check(problem: Problem__Output): void;
  /**
   * Run once by a served service before it listens: takes the service's logger and does what must hold before the
   * first call (tell which server a model is on, the PRM label-order check). Throws for a setup that cannot work:
   * the service then stops with the message.
   */
  start?(logger: Logger, signal: AbortSignal): Promise<void>;
  /**
   * One StepRewards per item, in item order: a reward per step, and `outcome` only when the trajectory is
   * finished; and the usage of the whole batch.
   */
  score(items: readonly RewardItem[], signal: AbortSignal): Promise<{ rewards: StepRewards[]; usage: Usage }>;
}
