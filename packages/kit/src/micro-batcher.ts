// Coalesces concurrent requests into batched backend calls: a GPU server scores 8 states in one forward
// pass for about the price of one, so the value and reward services gather what arrives close together.
import { abortError } from './abort.js';
import { ArborError, CancelledError } from './errors.js';
import { setSignalDeadline, signalDeadline } from './signal-deadline.js';

export interface MicroBatcherOptions<I, R> {
  /** Most items in one backend call (1 = no batching: every item goes alone, at once). */
  maxItems: number;
  /**
   * Longest an item waits for others before its batch goes (0 = flush on the next macrotask/setImmediate,
   * still coalescing what arrived synchronously).
   */
  maxWaitMs: number;
  /** Backend calls running at once (default Infinity): a GPU server queues them itself. */
  maxConcurrentBatches?: number;
  /** Runs one batch; must return exactly one result per item, in order. */
  run(items: I[], signal: AbortSignal): Promise<R[]>;
  /**
   * True for a batch failure that may be one caller's fault (a server refusing one over-long prompt refuses the
   * whole request). When a batch holding items of more than one caller fails so, each caller's items run again
   * on their own, so only the offending caller fails. Leave it false for outages (unavailable, deadline): they
   * are nobody's fault, and re-running would multiply the requests to a server that is already struggling.
   */
  isolate?: (error: unknown) => boolean;
}

/** One caller's submit(). */
interface Submission<R> {
  readonly signal: AbortSignal;
  readonly results: R[];
  /** Items without a result yet. */
  unresolved: number;
  /** Items still in the queue, not yet in a batch. */
  queued: number;
  /** Running batches that hold some of its items. */
  readonly batches: Set<Batch>;
  settled: boolean;
  resolve(results: R[]): void;
  reject(err: unknown): void;
  onAbort(): void;
}

interface Slot<I, R> {
  readonly item: I;
  readonly submission: Submission<R>;
  readonly index: number;
  /** performance.now() by which it must be sent. */
  readonly dueAt: number;
  due: boolean;
}

interface Batch {
  readonly controller: AbortController;
  /** Callers still waiting for its results; at 0 its signal aborts. */
  waiting: number;
  done: boolean;
}

/** A timer may fire up to a millisecond early against performance.now(); count that as on time. */
const TIMER_SLACK_MS = 1;

export class MicroBatcher<I, R> {
  /** Numbers for tests/metrics: batches run, items run (re-runs of isolate included). */
  readonly stats = { batches: 0, items: 0 };

  private readonly maxItems: number;
  private readonly maxWaitMs: number;
  private readonly maxConcurrent: number;
  private readonly queue: Slot<I, R>[] = [];
  /** One caller's items from a failed shared batch, each to run again alone; sent before the queue, as they waited already. */
  private readonly reruns: Slot<I, R>[][] = [];
  private running = 0;
  /** Clears the one pending flush timer, if any. */
  private clearTimer: (() => void) | undefined;

  constructor(private readonly options: MicroBatcherOptions<I, R>) {
    const { maxItems, maxWaitMs, maxConcurrentBatches = Infinity } = options;
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new ArborError('internal', `MicroBatcher: maxItems must be an integer ≥ 1 (got ${maxItems})`);
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new ArborError('internal', `MicroBatcher: maxWaitMs must be ≥ 0 (got ${maxWaitMs})`);
    if (!(maxConcurrentBatches === Infinity || (Number.isInteger(maxConcurrentBatches) && maxConcurrentBatches >= 1))) {
      throw new ArborError('internal', `MicroBatcher: maxConcurrentBatches must be an integer ≥ 1 (got ${maxConcurrentBatches})`);
    }
    this.maxItems = maxItems;
    this.maxWaitMs = maxWaitMs;
    this.maxConcurrent = maxConcurrentBatches;
  }

  /** Queues this caller's items; resolves with exactly its own results, in its order. A submission larger than maxItems is split across batches. */
  submit(items: readonly I[], signal: AbortSignal): Promise<R[]> {
    if (items.length === 0) return Promise.resolve([]);
    if (signal.aborted) return Promise.reject(abortError(signal, 'batched call cancelled before it was sent'));
    return new Promise<R[]>((resolve, reject) => {
      const submission: Submission<R> = {
        signal,
        results: new Array<R>(items.length),
        unresolved: items.length,
        queued: items.length,
        batches: new Set(),
        settled: false,
        resolve,
        reject,
        onAbort: () => this.settle(submission, { error: abortError(signal, 'batched call cancelled by the caller') }),
      };
      const dueAt = performance.now() + this.maxWaitMs;
      items.forEach((item, index) => this.queue.push({ item, submission, index, dueAt, due: false }));
      signal.addEventListener('abort', submission.onAbort, { once: true });
      this.pump();
    });
  }

  /**
   * Sends reruns, then every batch that is ready (full, or its oldest item has waited maxWaitMs), while there is
   * room; then arms the timer.
   */
  private pump(): void {
    while (this.running < this.maxConcurrent && this.reruns.length > 0) this.dispatch(this.reruns.shift()!, true);
    while (this.running < this.maxConcurrent && this.queue.length > 0 && (this.queue.length >= this.maxItems || this.queue[0]!.due)) {
      this.dispatch(this.queue.splice(0, this.maxItems));
    }
    this.schedule();
  }

  /** Keeps one timer for the oldest item still waiting, and none when nothing waits. */
  private schedule(): void {
    const head = this.queue[0];
    if (!head || head.due) {
      // Empty, or due and waiting only for a free batch slot: a finishing batch pumps again.
      this.clearTimer?.();
      this.clearTimer = undefined;
      return;
    }
    if (this.clearTimer) return;
    const fire = () => {
      this.clearTimer = undefined;
      const now = performance.now() + TIMER_SLACK_MS;
      // Items are queued in arrival order with the same wait, so the due ones are a prefix.
      for (const slot of this.queue) {
        if (slot.dueAt > now) break;
        slot.due = true;
      }
      this.pump();
    };
    if (this.maxWaitMs === 0) {
      const immediate = setImmediate(fire);
      this.clearTimer = () => clearImmediate(immediate);
    } else {
      const timer = setTimeout(fire, Math.max(0, head.dueAt - performance.now()));
      this.clearTimer = () => clearTimeout(timer);
    }
  }

  /** Runs `slots` as one backend call: a batch from the queue, or a rerun (one caller's slots, counted out of the queue already). */
  private dispatch(slots: Slot<I, R>[], rerun = false): void {
    this.running++;
    this.stats.batches++;
    this.stats.items += slots.length;
    const batch: Batch = { controller: new AbortController(), waiting: 0, done: false };
    const submissions = new Set<Submission<R>>();
    for (const slot of slots) {
      if (!rerun) slot.submission.queued--;
      submissions.add(slot.submission);
    }
    let deadline = -Infinity;
    for (const submission of submissions) {
      submission.batches.add(batch);
      batch.waiting++;
      deadline = Math.max(deadline, signalDeadline(submission.signal) ?? Infinity);
    }
    // The batch may run as long as its last caller's deadline allows (a retrying backend reads it).
    setSignalDeadline(batch.controller.signal, deadline);

    const items = slots.map((slot) => slot.item);
    const call = async () => this.options.run(items, batch.controller.signal);
    call().then(
      (results) => {
        this.finish(batch, submissions);
        if (!Array.isArray(results) || results.length !== slots.length) {
          const got = Array.isArray(results) ? `${results.length} results` : 'no array';
          const err = new ArborError('internal', `batch backend returned ${got} for ${slots.length} items`);
          for (const submission of submissions) this.settle(submission, { error: err });
        } else {
          slots.forEach((slot, i) => {
            const { submission } = slot;
            if (submission.settled) return;
            submission.results[slot.index] = results[i] as R;
            if (--submission.unresolved === 0) this.settle(submission);
          });
        }
        this.pump();
      },
      (err: unknown) => {
        this.finish(batch, submissions);
        if (submissions.size > 1 && this.isolates(err)) {
          // Whose item the server refused is unknown: every caller still waiting tries again alone, and the
          // one at fault fails on its own request. A caller that left is not re-run (settle dropped it).
          for (const submission of submissions) {
            if (!submission.settled) this.reruns.push(slots.filter((slot) => slot.submission === submission));
          }
        } else {
          for (const submission of submissions) this.settle(submission, { error: err });
        }
        this.pump();
      },
    );
  }

  private isolates(err: unknown): boolean {
    try {
      return this.options.isolate?.(err) === true;
    } catch {
      // A broken predicate must not leave callers waiting: fail the batch as without one.
      return false;
    }
  }

  private finish(batch: Batch, submissions: Set<Submission<R>>): void {
    batch.done = true;
    this.running--;
    for (const submission of submissions) submission.batches.delete(batch);
  }

  /** Resolves (no failure) or rejects a caller once, drops its queued items, and lets go of its batches. */
  private settle(submission: Submission<R>, failure?: { error: unknown }): void {
    if (submission.settled) return;
    submission.settled = true;
    submission.signal.removeEventListener('abort', submission.onAbort);
    if (submission.queued > 0) {
      for (let i = this.queue.length - 1; i >= 0; i--) {
        if (this.queue[i]!.submission === submission) this.queue.splice(i, 1);
      }
      submission.queued = 0;
      this.schedule();
    }
    for (let i = this.reruns.length - 1; i >= 0; i--) {
      if (this.reruns[i]![0]!.submission === submission) this.reruns.splice(i, 1);
    }
    for (const batch of submission.batches) {
      // The backend keeps working for as long as anyone still wants a batch's results.
      if (!batch.done && --batch.waiting === 0) batch.controller.abort(new CancelledError('no caller waits for this batch any more'));
    }
    submission.batches.clear();
    if (failure) submission.reject(failure.error);
    else submission.resolve(submission.results);
  }
}
