// A model server's prefix cache and its cost, for the fake model server (benchmark B7, routing tests): what vLLM's
// automatic prefix caching does, at the grain that matters to routing. A prompt is cut into blocks of
// `blockTokens` tokens; a block is cached when the same prefix (every token up to the block's end) was prefilled
// before and not evicted since; the cache holds `capacityBlocks`, least recently used evicted first. Time: the
// server runs one batch at a time; a batch is every request waiting when it becomes free, and takes
// `prefillMsPerToken` per uncached prompt token of all its requests plus `decodeMsPerToken` per token of its longest
// output. Replies report the cached tokens as vLLM does (usage.prompt_tokens_details.cached_tokens).
import { chainedBlockHashes, PrefixIndex } from '@arbor/kit/model-http';
import { emulatedServerRoutes } from './emulated-servers.js';
import type { FakeRoute } from './fake-model-server.js';
import { pseudoTokens } from './reply-shapes.js';

export interface PrefixCacheCosts {
  /** Tokens per cache block (vLLM: 16). */
  blockTokens: number;
  /** Blocks the cache holds. */
  capacityBlocks: number;
  prefillMsPerToken: number;
  decodeMsPerToken: number;
}

export interface PrefixCacheStats {
  requests: number;
  promptTokens: number;
  cachedTokens: number;
  /** Prompt tokens computed (not read from the cache). */
  prefillTokens: number;
  /** Time the server spent busy, ms. */
  busyMs: number;
}

interface Waiting {
  promptTokens: number;
  uncachedTokens: number;
  outputTokens: number;
  release: () => void;
}

export class PrefixCacheModel {
  /** The cached blocks, by chained hash, least recently used evicted first: the same index the router keeps. */
  readonly #blocks: PrefixIndex;
  #waiting: Waiting[] = [];
  #busy = false;
  readonly stats: PrefixCacheStats = { requests: 0, promptTokens: 0, cachedTokens: 0, prefillTokens: 0, busyMs: 0 };

  constructor(
    readonly costs: PrefixCacheCosts,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.#blocks = new PrefixIndex(costs.capacityBlocks);
  }

  /** Cached tokens of `prompt` now, and the cache updated as the server leaves it after prefilling it. */
  admit(prompt: string): { promptTokens: number; cachedTokens: number } {
    const tokens = pseudoTokens(prompt);
    const { blockTokens } = this.costs;
    const blocks: string[] = [];
    for (let end = blockTokens; end <= tokens.length; end += blockTokens) blocks.push(tokens.slice(end - blockTokens, end).join(''));
    const hashes = chainedBlockHashes(blocks);
    const cachedTokens = this.#blocks.matchedBlocks(hashes) * blockTokens;
    this.#blocks.record(hashes);
    this.stats.requests++;
    this.stats.promptTokens += tokens.length;
    this.stats.cachedTokens += cachedTokens;
    this.stats.prefillTokens += tokens.length - cachedTokens;
    return { promptTokens: tokens.length, cachedTokens };
  }

  /** Resolves when a request of this size has been served: queued for the next batch, then the batch's time. */
  serve(promptTokens: number, cachedTokens: number, outputTokens: number): Promise<void> {
    return new Promise((release) => {
      this.#waiting.push({ promptTokens, uncachedTokens: promptTokens - cachedTokens, outputTokens, release });
      if (this.#busy) return;
      // The batch starts on the next turn, so that requests arriving together are served together.
      this.#busy = true;
      setImmediate(() => void this.#runBatches());
    });
  }

  async #runBatches(): Promise<void> {
    while (this.#waiting.length > 0) {
      const batch = this.#waiting;
      this.#waiting = [];
      const prefill = batch.reduce((sum, r) => sum + r.uncachedTokens, 0) * this.costs.prefillMsPerToken;
      const decode = Math.max(...batch.map((r) => r.outputTokens)) * this.costs.decodeMsPerToken;
      this.stats.busyMs += prefill + decode;
      await this.sleep(prefill + decode);
      for (const request of batch) request.release();
    }
    this.#busy = false;
  }
}

/**
 * A /v1/completions route served through `cache`: `inner` writes the choices; the request then waits for its
 * batch, and its usage says what the prompt cost as vLLM reports it (prompt_tokens_details.cached_tokens).
 */
export function prefixCachedRoute(cache: PrefixCacheModel, inner: FakeRoute): FakeRoute {
  return async (request) => {
    const prompt = typeof request.body?.prompt === 'string' ? request.body.prompt : JSON.stringify(request.body?.messages ?? '');
    const reply = await inner(request);
    // A refusal computes nothing: no prefill, nothing cached.
    if (reply.kind !== 'json' || (reply.status ?? 200) >= 400) return reply;
    const { promptTokens, cachedTokens } = cache.admit(prompt);
    const body = reply.body as { choices?: Array<{ text?: string; message?: { content?: string } }>; usage?: unknown };
    const perChoice = (body.choices ?? []).map((c) => pseudoTokens(c.text ?? c.message?.content ?? '').length);
    const outputTokens = perChoice.reduce((sum, n) => sum + n, 0);
    // The choices decode together: the batch takes as long as the longest.
    await cache.serve(promptTokens, cachedTokens, Math.max(0, ...perChoice));
    return {
      ...reply,
      body: {
        ...body,
        usage: { prompt_tokens: promptTokens, completion_tokens: outputTokens, total_tokens: promptTokens + outputTokens, prompt_tokens_details: { cached_tokens: cachedTokens } },
      },
    };
  };
}

/** The routes of a fake vLLM server whose completions go through `cache`. */
export function prefixCachedRoutes(cache: PrefixCacheModel): Record<string, FakeRoute> {
  const routes = emulatedServerRoutes('vllm');
  return { ...routes, '/v1/completions': prefixCachedRoute(cache, routes['/v1/completions']!) };
}
