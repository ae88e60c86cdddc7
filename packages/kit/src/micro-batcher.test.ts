// MicroBatcher: who rides in which batch, who gets which result, and what aborts and failures do to the others.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ArborError, CancelledError, DeadlineExceededError, FailedPreconditionError, UnavailableError } from './errors.js';
import { MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
import { setSignalDeadline, signalDeadline } from './signal-deadline.js';
import { sleep } from './sleep.js';

/** What a batch's items turn into: a function of the item, so a result handed to the wrong caller shows. */
const score = (item: number) => `score(${item})`;

interface Call {
  items: number[];
  signal: AbortSignal;
  /** Ends the call with these results (by default, one score per item). */
  finish(results?: string[]): void;
  fail(err: unknown): void;
}

/** A backend whose calls the test ends by hand (or at once, with `auto`). */
function backend(auto = false) {
  const calls: Call[] = [];
  let running = 0;
  let peak = 0;
  const run = (items: number[], signal: AbortSignal) =>
    new Promise<string[]>((resolve, reject) => {
      running++;
      peak = Math.max(peak, running);
      const end = () => running--;
      const call: Call = {
        items,
        signal,
        finish: (results = items.map(score)) => (end(), resolve(results)),
        fail: (err) => (end(), reject(err)),
      };
      calls.push(call);
      if (auto) setImmediate(() => call.finish());
    });
  return { calls, run, peak: () => peak };
}

function batcher(options: Partial<MicroBatcherOptions<number, string>> & Pick<MicroBatcherOptions<number, string>, 'run'>) {
  return new MicroBatcher<number, string>({ maxItems: 8, maxWaitMs: 10, ...options });
}

const never = () => new AbortController().signal;
const settled = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('MicroBatcher', () => {
  it('coalesces concurrent submits into full batches and hands each caller its own result', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 8, maxWaitMs: 20 });
    const items = Array.from({ length: 20 }, (_, i) => i);
    const results = await Promise.all(items.map((i) => b.submit([i], never())));
    expect(results).toEqual(items.map((i) => [score(i)]));
    expect(calls.map((c) => c.items.length)).toEqual([8, 8, 4]);
    // Arrival order is kept within and across batches.
    expect(calls.flatMap((c) => c.items)).toEqual(items);
    expect(b.stats).toEqual({ batches: 3, items: 20 });
  });

  it('sends a batch that is not full maxWaitMs after its first item arrived', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 100, maxWaitMs: 150 });
    const started = performance.now();
    const first = b.submit([1], never());
    await sleep(20);
    const second = b.submit([2, 3], never());
    await sleep(10);
    expect(calls).toHaveLength(0);
    expect(await first).toEqual([score(1)]);
    expect(await second).toEqual([score(2), score(3)]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(148);
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
  });

  it('times the next batch from its own first item', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 2, maxWaitMs: 40 });
    // 1 and 2 fill a batch at once; 3 then waits its own 40 ms.
    const started = performance.now();
    const all = Promise.all([b.submit([1, 2, 3], never())]);
    await settled();
    expect(calls.map((c) => c.items)).toEqual([[1, 2]]);
    expect(await all).toEqual([[score(1), score(2), score(3)]]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3]]);
  });

  it('with maxWaitMs 0 flushes on the next macrotask, with everything that arrived synchronously', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 8, maxWaitMs: 0 });
    const a = b.submit([1], never());
    const c = b.submit([2, 3], never());
    expect(calls).toHaveLength(0);
    await settled();
    expect(calls.map((x) => x.items)).toEqual([[1, 2, 3]]);
    const d = b.submit([4], never());
    expect(await Promise.all([a, c, d])).toEqual([[score(1)], [score(2), score(3)], [score(4)]]);
    expect(calls.map((x) => x.items)).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a large submission across batches and reassembles its results in order', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 4, maxWaitMs: 20 });
    const big = Array.from({ length: 10 }, (_, i) => 100 + i);
    const bigResult = b.submit(big, never());
    const small = b.submit([7], never());
    expect(await bigResult).toEqual(big.map(score));
    expect(await small).toEqual([score(7)]);
    // Two full batches at once; the rest shares a batch with the next caller.
    expect(calls.map((c) => c.items)).toEqual([[100, 101, 102, 103], [104, 105, 106, 107], [108, 109, 7]]);
  });

  it('resolves a submit of no items with [] without calling the backend', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run });
    expect(await b.submit([], never())).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('with maxItems 1 calls the backend once per item, at once', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 1, maxWaitMs: 60_000 });
    const pending = [b.submit([1], never()), b.submit([2, 3], never())];
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3]]);
    expect(await Promise.all(pending)).toEqual([[score(1)], [score(2), score(3)]]);
    expect(b.stats).toEqual({ batches: 3, items: 3 });
  });

  it('runs at most maxConcurrentBatches backend calls at once', async () => {
    const { calls, run, peak } = backend(true);
    const b = batcher({ run, maxItems: 2, maxWaitMs: 0, maxConcurrentBatches: 2 });
    const items = Array.from({ length: 11 }, (_, i) => i);
    const results = await Promise.all(items.map((i) => b.submit([i], never())));
    expect(results).toEqual(items.map((i) => [score(i)]));
    expect(peak()).toBe(2);
    expect(calls.map((c) => c.items.length)).toEqual([2, 2, 2, 2, 2, 1]);
  });

  it('fills a batch that waited for a free slot with what arrived meanwhile', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, maxItems: 4, maxWaitMs: 0, maxConcurrentBatches: 1 });
    const first = b.submit([1], never());
    await settled();
    const rest = [b.submit([2], never()), b.submit([3], never())];
    await settled();
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    expect(await first).toEqual([score(1)]);
    await settled();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3]]);
    calls[1]!.finish();
    expect(await Promise.all(rest)).toEqual([[score(2)], [score(3)]]);
  });

  it('drops the items of a caller that aborts before they are sent', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 8, maxWaitMs: 20 });
    const leaving = new AbortController();
    const gone = b.submit([1, 2], leaving.signal);
    const stays = b.submit([3], never());
    leaving.abort();
    const err = await gone.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(await stays).toEqual([score(3)]);
    expect(calls.map((c) => c.items)).toEqual([[3]]);
    expect(b.stats).toEqual({ batches: 1, items: 1 });
  });

  it('refuses a signal aborted already, and passes on an ArborError abort reason', async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run });
    await expect(b.submit([1], AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
    const reason = new DeadlineExceededError('call deadline passed');
    const controller = new AbortController();
    const pending = b.submit([1], controller.signal);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await sleep(20);
    expect(calls).toHaveLength(0);
  });

  it('rejects a caller that aborts after sending at once, and aborts the batch only when every caller has', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, maxItems: 3, maxWaitMs: 0 });
    const a = new AbortController();
    const c = new AbortController();
    const first = b.submit([1], a.signal);
    const second = b.submit([2, 3], c.signal);
    expect(calls).toHaveLength(1);
    const batchSignal = calls[0]!.signal;

    a.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    expect(batchSignal.aborted).toBe(false);

    c.abort();
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    expect(batchSignal.aborted).toBe(true);
    expect(batchSignal.reason).toBeInstanceOf(CancelledError);

    // Results arriving after everyone left go nowhere.
    calls[0]!.finish();
    await settled();
    expect(b.stats).toEqual({ batches: 1, items: 3 });
  });

  it('discards the results of a caller that left and delivers the others', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, maxItems: 2, maxWaitMs: 0 });
    const a = new AbortController();
    const first = b.submit([1], a.signal);
    const second = b.submit([2], never());
    a.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    calls[0]!.finish();
    expect(await second).toEqual([score(2)]);
  });

  it('rejects every caller of a batch whose run fails with that error, and no one else', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, maxItems: 2, maxWaitMs: 0 });
    const pending = [1, 2, 3].map((i) => b.submit([i], never()).catch((e: unknown) => e));
    await settled();
    const down = new UnavailableError('reward model server is unreachable');
    calls[0]!.fail(down);
    calls[1]!.finish();
    expect(await Promise.all(pending)).toEqual([down, down, [score(3)]]);
  });

  it('rejects the callers when run throws synchronously', async () => {
    const b = new MicroBatcher<number, string>({
      maxItems: 2,
      maxWaitMs: 0,
      run: () => {
        throw new Error('bug');
      },
    });
    await expect(b.submit([1], never())).rejects.toThrow('bug');
  });

  it('rejects the callers with an internal error when run returns the wrong number of results', async () => {
    const b = new MicroBatcher<number, string>({ maxItems: 3, maxWaitMs: 0, run: async (items) => items.slice(1).map(score) });
    const results = await Promise.all([b.submit([1], never()), b.submit([2, 3], never())].map((p) => p.catch((e: unknown) => e)));
    for (const err of results) {
      expect(err).toBeInstanceOf(ArborError);
      expect((err as ArborError).kind).toBe('internal');
      expect((err as ArborError).message).toBe('batch backend returned 2 results for 3 items');
    }
  });

  it('rejects the rest of a split submission when one of its batches fails, without sending it', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, maxItems: 2, maxWaitMs: 0, maxConcurrentBatches: 1 });
    const pending = b.submit([1, 2, 3, 4, 5], never());
    expect(calls).toHaveLength(1);
    calls[0]!.fail(new UnavailableError('down'));
    await expect(pending).rejects.toBeInstanceOf(UnavailableError);
    await sleep(5);
    expect(calls).toHaveLength(1);
    expect(b.stats).toEqual({ batches: 1, items: 2 });
  });

  it("gives a batch the latest of its callers' deadlines, or none when one caller has none", async () => {
    const { calls, run } = backend(true);
    const b = batcher({ run, maxItems: 4, maxWaitMs: 0 });
    const early = new AbortController();
    const late = new AbortController();
    setSignalDeadline(early.signal, 1_000_000);
    setSignalDeadline(late.signal, 2_000_000);
    await Promise.all([b.submit([1], early.signal), b.submit([2], late.signal)]);
    await Promise.all([b.submit([3], early.signal), b.submit([4], never())]);
    expect(signalDeadline(calls[0]!.signal)).toBe(2_000_000);
    expect(signalDeadline(calls[1]!.signal)).toBeUndefined();
  });

  it('leaves no timer behind once every item has gone or left', async () => {
    vi.useFakeTimers();
    const { run } = backend();
    const b = batcher({ run, maxItems: 8, maxWaitMs: 1_000 });
    const controllers = [new AbortController(), new AbortController()];
    const pending = controllers.map((c, i) => b.submit([i], c.signal).catch((e: unknown) => e));
    expect(vi.getTimerCount()).toBe(1);
    for (const c of controllers) c.abort();
    await Promise.all(pending);
    expect(vi.getTimerCount()).toBe(0);

    const sent = b.submit([9], never());
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(0);
    expect(b.stats).toEqual({ batches: 1, items: 1 });
    void sent;
  });

  it('refuses options that cannot work', () => {
    const run = async () => [];
    expect(() => new MicroBatcher({ run, maxItems: 0, maxWaitMs: 0 })).toThrow(/maxItems must be an integer ≥ 1/);
    expect(() => new MicroBatcher({ run, maxItems: 1, maxWaitMs: -1 })).toThrow(/maxWaitMs must be ≥ 0/);
    expect(() => new MicroBatcher({ run, maxItems: 1, maxWaitMs: 0, maxConcurrentBatches: 0 })).toThrow(/maxConcurrentBatches/);
  });
});

describe('MicroBatcher with isolate', () => {
  /** Isolates what one caller can cause, as the value and reward handlers do. */
  const isolate = (err: unknown) => err instanceof ArborError && (err.kind === 'failed_precondition' || err.kind === 'invalid_argument');
  /** A server that refuses a whole request holding a negative item, as vLLM refuses a batch with one over-long prompt. */
  const refusing = () => {
    const calls: number[][] = [];
    let running = 0;
    let peak = 0;
    const run = async (items: number[]) => {
      calls.push(items);
      running++;
      peak = Math.max(peak, running);
      await sleep(5);
      running--;
      if (items.some((i) => i < 0)) throw new FailedPreconditionError('judge model server rejected the request (HTTP 400)');
      return items.map(score);
    };
    return { calls, run, peak: () => peak };
  };

  it('re-runs each caller of a shared batch that failed alone, so only the offending caller fails', async () => {
    const { calls, run } = refusing();
    const b = batcher({ run, isolate, maxItems: 8, maxWaitMs: 0 });
    const outcomes = await Promise.all([b.submit([1, 2], never()), b.submit([3, -4], never()), b.submit([5], never())].map((p) => p.catch((e: unknown) => e)));
    expect(outcomes[0]).toEqual([score(1), score(2)]);
    expect(outcomes[1]).toBeInstanceOf(FailedPreconditionError);
    expect(outcomes[2]).toEqual([score(5)]);
    expect(calls).toEqual([[1, 2, 3, -4, 5], [1, 2], [3, -4], [5]]);
    expect(b.stats).toEqual({ batches: 4, items: 10 });
  });

  it('fails every caller at once for an error isolate does not take', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, isolate, maxItems: 8, maxWaitMs: 0 });
    const pending = [b.submit([1], never()), b.submit([2], never())].map((p) => p.catch((e: unknown) => e));
    await settled();
    const down = new UnavailableError('judge model server is unreachable');
    calls[0]!.fail(down);
    expect(await Promise.all(pending)).toEqual([down, down]);
    await settled();
    expect(calls).toHaveLength(1);
  });

  it('does not re-run a batch that held one caller only', async () => {
    const { calls, run } = refusing();
    const b = batcher({ run, isolate, maxItems: 2, maxWaitMs: 0 });
    const err = await b.submit([1, -2, 3], never()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPreconditionError);
    // [1, -2] failed; [3] may have gone out alongside it, but nothing ran twice.
    expect(calls.flat().filter((i) => i === -2)).toHaveLength(1);
  });

  it('re-runs no more batches at once than maxConcurrentBatches', async () => {
    const { calls, run, peak } = refusing();
    const b = batcher({ run, isolate, maxItems: 4, maxWaitMs: 0, maxConcurrentBatches: 1 });
    const outcomes = await Promise.all([b.submit([1], never()), b.submit([-2], never()), b.submit([3], never())].map((p) => p.catch((e: unknown) => e)));
    expect(outcomes.map((o) => (o instanceof Error ? o.name : o))).toEqual([[score(1)], 'FailedPreconditionError', [score(3)]]);
    expect(calls).toEqual([[1, -2, 3], [1], [-2], [3]]);
    expect(peak()).toBe(1);
  });

  it("gives each re-run its own caller's deadline, and re-runs no caller that left", async () => {
    const { calls, run } = backend();
    const b = batcher({ run, isolate, maxItems: 4, maxWaitMs: 0 });
    const staying = new AbortController();
    const leaving = new AbortController();
    setSignalDeadline(staying.signal, 1_000_000);
    setSignalDeadline(leaving.signal, 2_000_000);
    const stays = b.submit([1], staying.signal);
    const goes = b.submit([2], leaving.signal).catch((e: unknown) => e);
    const third = b.submit([3], never()).catch((e: unknown) => e);
    await settled();
    calls[0]!.fail(new FailedPreconditionError('refused'));
    await settled();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(signalDeadline(calls[1]!.signal)).toBe(1_000_000);
    expect(signalDeadline(calls[2]!.signal)).toBe(2_000_000);
    leaving.abort();
    expect(await goes).toBeInstanceOf(CancelledError);
    // Its re-run lost its only caller.
    expect(calls[2]!.signal.aborted).toBe(true);
    calls[1]!.finish();
    calls[3]!.fail(new FailedPreconditionError('refused again'));
    expect(await stays).toEqual([score(1)]);
    expect(await third).toMatchObject({ message: 'refused again' });
  });

  it('drops the re-run of a caller that leaves while it waits for a free slot', async () => {
    const { calls, run } = backend();
    const b = batcher({ run, isolate, maxItems: 4, maxWaitMs: 0, maxConcurrentBatches: 1 });
    const leaving = new AbortController();
    const first = b.submit([1], never());
    const goes = b.submit([2], leaving.signal).catch((e: unknown) => e);
    await settled();
    calls[0]!.fail(new FailedPreconditionError('refused'));
    await settled();
    // [1] re-runs; [2] waits for the slot, and its caller leaves meanwhile.
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [1]]);
    leaving.abort();
    expect(await goes).toBeInstanceOf(CancelledError);
    calls[1]!.finish();
    expect(await first).toEqual([score(1)]);
    await settled();
    expect(calls).toHaveLength(2);
  });

  it('fails the batch as without isolate when the predicate throws', async () => {
    const { calls, run } = refusing();
    const b = batcher({
      run,
      isolate: () => {
        throw new Error('bug');
      },
      maxItems: 4,
      maxWaitMs: 0,
    });
    const outcomes = await Promise.all([b.submit([1], never()), b.submit([-2], never())].map((p) => p.catch((e: unknown) => e)));
    expect(outcomes.every((o) => o instanceof FailedPreconditionError)).toBe(true);
    expect(calls).toHaveLength(1);
  });
});
