// The fake server's prefix cache: hits on shared prefixes only, LRU eviction, batches that pay for uncached tokens.
import { describe, expect, it } from 'vitest';
import { startFakeModelServer } from './fake-model-server.js';
import { PrefixCacheModel, prefixCachedRoute } from './prefix-cache-model.js';
import { completionsReply } from './reply-shapes.js';

const words = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ` ${prefix}${i}`).join('');
const costs = { blockTokens: 4, capacityBlocks: 100, prefillMsPerToken: 1, decodeMsPerToken: 10 };

describe('PrefixCacheModel', () => {
  it('counts as cached the whole blocks of a prefix prefilled before, and nothing after the first miss', () => {
    const cache = new PrefixCacheModel(costs);
    const parent = words('p', 10);
    expect(cache.admit(parent)).toEqual({ promptTokens: 10, cachedTokens: 0 });
    // The child repeats the parent (2 whole blocks of 4 cached) and adds 6 tokens.
    expect(cache.admit(parent + words('c', 6))).toEqual({ promptTokens: 16, cachedTokens: 8 });
    // Same words after a different first block: a different prefix, no hit.
    expect(cache.admit(words('x', 4) + parent.slice(words('p', 4).length))).toMatchObject({ cachedTokens: 0 });
    expect(cache.stats).toMatchObject({ requests: 3, promptTokens: 36, cachedTokens: 8, prefillTokens: 28 });
  });

  it('evicts the least recently used blocks beyond its capacity', () => {
    const cache = new PrefixCacheModel({ ...costs, capacityBlocks: 2 });
    const a = words('a', 8);
    cache.admit(a);
    cache.admit(words('b', 8));
    expect(cache.admit(a).cachedTokens).toBe(0);
  });

  it('serves one batch at a time: a batch pays its uncached prompt tokens and its longest output', async () => {
    const slept: number[] = [];
    const cache = new PrefixCacheModel(costs, async (ms) => void slept.push(ms));
    await Promise.all([cache.serve(10, 8, 3), cache.serve(20, 0, 5)]);
    // Both joined the first batch: (2 + 20) prefill tokens x 1 ms, 5 output tokens x 10 ms.
    expect(slept).toEqual([72]);
    expect(cache.stats.busyMs).toBe(72);
  });
});

describe('prefixCachedRoute', () => {
  it('reports the cached tokens of each prompt over HTTP, as vLLM does', async () => {
    const cache = new PrefixCacheModel({ ...costs, prefillMsPerToken: 0, decodeMsPerToken: 0 });
    const server = await startFakeModelServer({ '/v1/completions': prefixCachedRoute(cache, () => completionsReply({ choices: [{ text: ' one two three' }] })) });
    const ask = async (prompt: string) => {
      const reply = await fetch(`${server.baseUrl}/completions`, { method: 'POST', body: JSON.stringify({ prompt }) });
      return ((await reply.json()) as { usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details: { cached_tokens: number } } }).usage;
    };
    const parent = words('p', 12);
    expect(await ask(parent)).toMatchObject({ prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 0 } });
    expect(await ask(parent + words('c', 4))).toMatchObject({ prompt_tokens: 16, prompt_tokens_details: { cached_tokens: 12 } });
    await server.close();
  });
});
