import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchControl } from './control.js';

describe('SearchControl', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the first stop reason but still aborts calls on a later hard stop', () => {
    const control = new SearchControl(() => 0, 0);
    const call = control.openCall();
    control.stop('max_expansions');
    expect(call.signal.aborted).toBe(false);
    control.stop('deadline');
    expect(control.reason).toBe('max_expansions');
    expect(control.halted).toBe(true);
    expect(call.signal.aborted).toBe(true);
    expect(control.openCall().signal.aborted).toBe(true);
  });

  it('reads the deadline from the injected clock', () => {
    let now = 100;
    const control = new SearchControl(() => now, 50);
    now = 149;
    expect(control.deadlinePassed()).toBe(false);
    now = 150;
    expect(control.deadlinePassed()).toBe(true);
    expect(control.elapsedMs()).toBe(50);
    control.dispose();
  });

  it('counts the deadline from startedAt when given, and arms the backstop for what is left of it', () => {
    vi.useFakeTimers();
    let now = 1_000;
    const control = new SearchControl(() => now, 100, undefined, 940);
    expect(control.elapsedMs()).toBe(60);
    now = 1_039;
    expect(control.deadlinePassed()).toBe(false);
    now = 1_040;
    expect(control.deadlinePassed()).toBe(true);
    const fresh = new SearchControl(() => now, 100, undefined, now - 70);
    vi.advanceTimersByTime(29);
    expect(fresh.reason).toBeNull();
    vi.advanceTimersByTime(1);
    expect(fresh.reason).toBe('deadline');
    control.dispose();
    fresh.dispose();
  });

  it('fires the backstop timer at the deadline, even for deadlines beyond setTimeout\'s range', () => {
    vi.useFakeTimers();
    const long = 2 ** 31 + 1000;
    const control = new SearchControl(() => 0, long);
    vi.advanceTimersByTime(2 ** 31 - 1);
    expect(control.reason).toBeNull();
    vi.advanceTimersByTime(1001);
    expect(control.reason).toBe('deadline');
    control.dispose();
  });

  it('turns an external abort into cancelled and lets go of the signal on dispose', () => {
    const external = new AbortController();
    const control = new SearchControl(() => 0, 0, external.signal);
    control.dispose();
    external.abort();
    expect(control.reason).toBeNull();
    const live = new SearchControl(() => 0, 0, external.signal);
    expect(live.reason).toBe('cancelled');
  });
});
