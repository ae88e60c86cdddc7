// The per-service limiter: slots, fair turns between searches, AIMD, and busy replies as backpressure.
import { describe, expect, it } from 'vitest';
import { BusyError, CallLimiter, limitCalls, serviceLimiters } from './call-limiter.js';
import type { CallOptions, ModelTransports } from './types.js';

const settings = { initial: 2, min: 1, max: 8, coolDownMs: 100 };

describe('CallLimiter', () => {
  it('grants up to the limit at once and queues the rest', async () => {
    const limiter = new CallLimiter(settings);
    const signal = new AbortController().signal;
    await limiter.acquire('a', signal);
    await limiter.acquire('a', signal);
    let third = false;
    const waiting = limiter.acquire('a', signal).then(() => (third = true));
    await Promise.resolve();
    expect(third).toBe(false);
    expect(limiter.waiting).toBe(1);
    limiter.release('failed');
    await waiting;
    expect(limiter.inFlight).toBe(2);
  });

  it('lets waiting searches take turns, so a wide search cannot starve a narrow one', async () => {
    const limiter = new CallLimiter({ ...settings, initial: 1 });
    const signal = new AbortController().signal;
    await limiter.acquire('wide', signal);
    const order: string[] = [];
    const queued = [
      ...['w1', 'w2', 'w3'].map((name) => limiter.acquire('wide', signal).then(() => order.push(name))),
      limiter.acquire('narrow', signal).then(() => order.push('n1')),
    ];
    for (let i = 0; i < 4; i++) {
      limiter.release('failed');
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(queued);
    expect(order).toEqual(['w1', 'n1', 'w2', 'w3']);
  });

  it('grows by about one per limit of answers while saturated, and shrinks by a quarter on busy, once per cool-down', () => {
    let now = 0;
    const limiter = new CallLimiter({ initial: 4, min: 1, max: 8, coolDownMs: 100 }, () => now);
    const signal = new AbortController().signal;
    const fill = () => {
      while (limiter.inFlight < limiter.limit) void limiter.acquire('a', signal);
    };
    fill();
    for (let i = 0; i < 4; i++) {
      limiter.release('ok');
      fill();
    }
    expect(limiter.limit).toBe(4); // 4 + 1/4 + 1/4.25 + ... = 4.92
    limiter.release('ok');
    fill();
    expect(limiter.limit).toBe(5);
    limiter.release('busy');
    expect(limiter.limit).toBe(3);
    limiter.release('busy'); // same burst: no second decrease
    expect(limiter.limit).toBe(3);
    now = 150;
    limiter.release('busy');
    expect(limiter.limit).toBe(2);
    // Answers while not saturated do not grow it.
    limiter.release('failed');
    while (limiter.inFlight > 0) limiter.release('ok');
    expect(limiter.limit).toBe(2);
  });

  it('never goes below its minimum nor above its maximum', () => {
    let now = 0;
    const limiter = new CallLimiter({ initial: 2, min: 1, max: 3, coolDownMs: 0 }, () => now++);
    const signal = new AbortController().signal;
    for (let i = 0; i < 10; i++) {
      void limiter.acquire('a', signal);
      limiter.release('busy');
    }
    expect(limiter.limit).toBe(1);
    for (let i = 0; i < 100; i++) {
      while (limiter.inFlight < limiter.limit) void limiter.acquire('a', signal);
      limiter.release('ok');
    }
    expect(limiter.limit).toBe(3);
  });

  it('drops a waiting call whose signal aborts, without taking a slot', async () => {
    const limiter = new CallLimiter({ ...settings, initial: 1 });
    await limiter.acquire('a', new AbortController().signal);
    const controller = new AbortController();
    const waiting = limiter.acquire('b', controller.signal);
    controller.abort(new Error('search over'));
    await expect(waiting).rejects.toThrow('search over');
    expect(limiter.waiting).toBe(0);
    limiter.release('ok');
    expect(limiter.inFlight).toBe(0);
  });
});

describe('limitCalls', () => {
  it('waits out busy replies and sends the call again until it is answered; busy is never the error', async () => {
    let calls = 0;
    const transports: ModelTransports = {
      propose: async () => {
        calls++;
        if (calls <= 3) throw new BusyError('replica busy');
        return { response: { candidates: [], usage: null, invalidCandidates: 0 }, attempts: 1 };
      },
      evaluate: () => Promise.reject(new Error('unused')),
      score: () => Promise.reject(new Error('unused')),
      close: async () => {},
    };
    const limiters = serviceLimiters({ ...settings, initial: 4, coolDownMs: 0 });
    const limited = limitCalls(transports, limiters);
    const options: CallOptions = { signal: new AbortController().signal, deadline: Date.now() + 5_000, searchId: 's' };
    const result = await limited.propose({ numCandidates: 1 }, options);
    expect(result.attempts).toBe(1);
    expect(calls).toBe(4);
    // 4 shrunk three times to 1.7, then one answer at saturation: 2.3.
    expect(limiters.policy.limit).toBe(2);
    expect(limiters.policy.inFlight).toBe(0);
  });

  it('gives up on a busy service only when the search does', async () => {
    const transports: ModelTransports = {
      propose: async () => {
        throw new BusyError('replica busy');
      },
      evaluate: () => Promise.reject(new Error('unused')),
      score: () => Promise.reject(new Error('unused')),
      close: async () => {},
    };
    const limited = limitCalls(transports, serviceLimiters(settings));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 200);
    await expect(limited.propose({ numCandidates: 1 }, { signal: controller.signal, deadline: Date.now() + 200 })).rejects.toThrow('deadline');
  });

  it('passes other errors through at once, releasing the slot', async () => {
    const transports: ModelTransports = {
      propose: async () => {
        throw new Error('outage');
      },
      evaluate: () => Promise.reject(new Error('unused')),
      score: () => Promise.reject(new Error('unused')),
      close: async () => {},
    };
    const limiters = serviceLimiters(settings);
    await expect(
      limitCalls(transports, limiters).propose({ numCandidates: 1 }, { signal: new AbortController().signal, deadline: Date.now() + 1_000 }),
    ).rejects.toThrow('outage');
    expect(limiters.policy.inFlight).toBe(0);
  });
});
