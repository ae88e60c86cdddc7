// The retry policy's numbers: which statuses, how long the backoff, what a server may ask for.
import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelayMs, MAX_SERVER_WAIT_MS, RETRYABLE_STATUSES, serverAskedDelayMs } from './retry.js';

describe('RETRYABLE_STATUSES', () => {
  it('holds the "not now" statuses only', () => {
    expect([...RETRYABLE_STATUSES].sort()).toEqual([408, 409, 429, 500, 502, 503, 504]);
  });
});

describe('backoffDelayMs', () => {
  it('draws uniformly below an exponential ceiling (250 ms doubling, 8 s cap)', () => {
    const top = () => 0.999_999;
    expect(backoffDelayMs(1, () => 0)).toBe(0);
    expect(backoffDelayMs(1, top)).toBe(249);
    expect(backoffDelayMs(2, top)).toBe(499);
    expect(backoffDelayMs(3, top)).toBe(999);
    expect(backoffDelayMs(6, top)).toBe(7_999);
    expect(backoffDelayMs(7, top)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffDelayMs(60, top)).toBe(BACKOFF_CAP_MS - 1);
    expect(backoffDelayMs(3, () => 0.5)).toBe(500);
  });
});

describe('serverAskedDelayMs', () => {
  const headers = (h: Record<string, string>) => new Headers(h);
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads retry-after-ms before Retry-After', () => {
    expect(serverAskedDelayMs(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(1500);
    expect(serverAskedDelayMs(headers({ 'retry-after-ms': '12.5' }), now)).toBe(12.5);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(serverAskedDelayMs(headers({ 'retry-after': '2' }), now)).toBe(2_000);
    expect(serverAskedDelayMs(headers({ 'retry-after': '0' }), now)).toBe(0);
    expect(serverAskedDelayMs(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), now)).toBe(5_000);
    // A date already past means "now".
    expect(serverAskedDelayMs(headers({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }), now)).toBe(0);
  });

  it('returns a wait past the 60 s limit as asked, for the client to refuse', () => {
    expect(MAX_SERVER_WAIT_MS).toBe(60_000);
    expect(serverAskedDelayMs(headers({ 'retry-after': '86400' }), now)).toBe(86_400_000);
    expect(serverAskedDelayMs(headers({ 'retry-after-ms': '600000' }), now)).toBe(600_000);
    expect(serverAskedDelayMs(headers({ 'retry-after': 'Thu, 02 Jan 2025 00:00:00 GMT' }), now)).toBe(86_400_000);
  });

  it('ignores absent, negative or unreadable values', () => {
    expect(serverAskedDelayMs(headers({}), now)).toBeUndefined();
    expect(serverAskedDelayMs(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(serverAskedDelayMs(headers({ 'retry-after': '-3' }), now)).toBeUndefined();
    // A bad retry-after-ms falls back to Retry-After.
    expect(serverAskedDelayMs(headers({ 'retry-after-ms': 'x', 'retry-after': '1' }), now)).toBe(1_000);
  });
});
