// Admission: a bounded number running, a bounded FIFO queue with a bounded wait, and clear refusals.
import { describe, expect, it } from 'vitest';
import { CancelledError, ResourceExhaustedError, UnavailableError } from '@arbor/kit/errors';
import { Admission } from './admission.js';

const far = () => Date.now() + 60_000;

describe('Admission', () => {
  it('admits up to the limit at once, queues the next in order, and admits them as searches leave', async () => {
    const admission = new Admission({ maxRunning: 2, maxWaiting: 5, maxWaitMs: 10_000 });
    await admission.enter(undefined, far());
    await admission.enter(undefined, far());
    const order: number[] = [];
    const queued = [3, 4, 5].map((n) => admission.enter(undefined, far()).then(() => order.push(n)));
    expect(admission.waiting).toBe(3);
    admission.leave();
    admission.leave();
    await Promise.all(queued.slice(0, 2));
    expect(order).toEqual([3, 4]);
    expect(admission.running).toBe(2);
    admission.leave();
    await queued[2];
    expect(order).toEqual([3, 4, 5]);
  });

  it('refuses at once, naming both limits, when the queue is full', async () => {
    const admission = new Admission({ maxRunning: 1, maxWaiting: 1, maxWaitMs: 10_000 });
    await admission.enter(undefined, far());
    const waiting = admission.enter(undefined, far());
    const refused = admission.enter(undefined, far());
    await expect(refused).rejects.toBeInstanceOf(ResourceExhaustedError);
    await expect(refused).rejects.toThrow(
      /^1 searches running \(ARBOR_MAX_CONCURRENT_SEARCHES=1\) and 1 waiting \(ARBOR_ADMISSION_QUEUE=1\); retry later$/,
    );
    admission.leave();
    await waiting;
  });

  it('refuses a search that waited as long as allowed, naming the limit', async () => {
    const admission = new Admission({ maxRunning: 1, maxWaiting: 5, maxWaitMs: 50 });
    await admission.enter(undefined, far());
    await expect(admission.enter(undefined, far())).rejects.toThrow(/within ARBOR_ADMISSION_MAX_WAIT_MS=50 /);
    await expect(admission.enter(undefined, Date.now() + 30)).rejects.toThrow(/before the search's deadline/);
    expect(admission.waiting).toBe(0);
  });

  it('lets a cancelled search leave the queue, and refuses everything with UNAVAILABLE once closed', async () => {
    const admission = new Admission({ maxRunning: 1, maxWaiting: 5, maxWaitMs: 10_000 });
    await admission.enter(undefined, far());
    const controller = new AbortController();
    const cancelled = admission.enter(controller.signal, far());
    controller.abort();
    await expect(cancelled).rejects.toBeInstanceOf(CancelledError);
    const waiting = admission.enter(undefined, far());
    admission.close('server is draining');
    await expect(waiting).rejects.toBeInstanceOf(UnavailableError);
    await expect(admission.enter(undefined, far())).rejects.toThrow('server is draining');
    expect(admission.waiting).toBe(0);
  });
});
