import { describe, expect, it } from 'vitest';
import { buildRequests, splitCount } from './requests.js';
import { parseSeed, seedForRequest } from './sampling.js';

describe('request splitting', () => {
  it.each([
    [1, 64, [1]],
    [64, 64, [64]],
    [10, 4, [4, 3, 3]],
    [5, 1, [1, 1, 1, 1, 1]],
    [7, 3, [3, 2, 2]],
  ])('splits %i candidates at MAX_N %i into %j', (k, maxN, sizes) => {
    expect(splitCount(k, maxN)).toEqual(sizes);
    expect(splitCount(k, maxN).reduce((a, b) => a + b, 0)).toBe(k);
  });

  it('gives each request of a call its own seed, and none when the call has none', () => {
    const sampling = { temperature: 1, topP: 1, maxTokens: 10, stop: ['\n'] };
    const prompt = { api: 'completions' as const, text: 'p' };
    const seeded = buildRequests(prompt, { ...sampling, seed: 100 }, 5, { model: 'm', logprobs: false, maxN: 2 });
    expect(seeded.map((r) => [r.n, r.body.seed])).toEqual([
      [2, 100],
      [2, 101],
      [1, 102],
    ]);
    const unseeded = buildRequests(prompt, { ...sampling, seed: undefined }, 2, { model: 'm', logprobs: false, maxN: 1 });
    expect(unseeded.every((r) => !('seed' in r.body))).toBe(true);
  });
});

describe('wire seeds', () => {
  it('sends seeds that fit a double as they are, larger ones as their low 53 bits, and 0 as none', () => {
    expect(parseSeed('')).toBeUndefined();
    expect(parseSeed('0')).toBeUndefined();
    expect(parseSeed('12345')).toBe(12345);
    expect(parseSeed(String(2 ** 53 - 1))).toBe(2 ** 53 - 1);
    expect(parseSeed(String(2n ** 53n + 7n))).toBe(7);
    expect(parseSeed('18446744073709551615')).toBe(2 ** 53 - 1);
    expect(seedForRequest(2 ** 53 - 1, 2)).toBe(1);
    expect(seedForRequest(undefined, 3)).toBeUndefined();
  });
});
