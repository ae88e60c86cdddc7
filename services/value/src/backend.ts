// The one interface every value backend (embedded, openai-judge, http) implements. No transport in here.
import type { Problem__Output, Trajectory__Output, Usage } from '@arbor/contracts';
import type { Logger } from '@arbor/kit';

/** One partial trajectory to estimate. A batch may mix items of different requests and problems. */
export interface ValueItem {
  problem: Problem__Output;
  state: Trajectory__Output;
}

export interface ValueBackend {
  readonly name: string;
  /**
   * Throws InvalidArgumentError naming the field for a problem this backend cannot serve. The handler calls it
   * for each request before queueing, so one caller's bad problem never fails a batch shared with others.
   */
  check(problem: Problem__Output): void;
  /**
   * Run once by a served service before it listens: takes the service's logger and does what is best done before
   * the first call (e.g. tell which server a judge talks to). Throws only for a setup that cannot work.
   */
  start?(logger: Logger, signal: AbortSignal): Promise<void>;
  /** One estimate in [0, 1] per item, in item order, and the usage of the whole batch. */
  evaluate(items: readonly ValueItem[], signal: AbortSignal): Promise<{ values: number[]; usage: Usage }>;
}
