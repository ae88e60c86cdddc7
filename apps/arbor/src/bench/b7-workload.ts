// B7's workload, shared by its two parts (in-process routing between model servers, b7-prefix-cache.ts; replica
// affinity over NATS, b7-sidecars.ts): the settings, the searches (math samples, each behind a context of its own
// and a shared system prompt), the fake model servers with their prefix caches, and what is measured off them.
import { createHash } from 'node:crypto';
import type { SearchRequest, SearchRequest__Output } from '@arbor/contracts';
import { arborV1 } from '@arbor/contracts';
import { math } from '@arbor/tasks';
import type { RoutingPolicy } from '@arbor/kit/model-http';
import { emulatedServerRoutes, PrefixCacheModel, prefixCachedRoutes, qwenPrmRows, startFakeModelServer, type FakeModelServer, type PrefixCacheCosts } from '@arbor/testing/fake-servers';

/** How the policy service routes between its servers (ARBOR_POLICY_ROUTING). */
export type B7Routing = RoutingPolicy;
export type B7Algorithm = 'beam' | 'mcts';

export interface B7Settings {
  servers: number[];
  routings: B7Routing[];
  algorithms: B7Algorithm[];
  /** Math sample problems searched per run, `concurrency` at a time. */
  problems: number;
  concurrency: number;
  /** budget.max_expansions of each search. */
  expansions: number;
  /** Words of the system prompt every policy prompt starts with (about a token each). */
  systemPromptWords: number;
  /** Words of context each problem brings before its question (a document, few-shot examples), its own. */
  contextWords: number;
  costs: PrefixCacheCosts;
  /** Policy replicas over NATS in the sidecar part (0: not run). */
  sidecarReplicas: number;
}

export const B7_FULL: B7Settings = {
  servers: [1, 2, 4, 8],
  routings: ['random', 'round_robin', 'prefix'],
  algorithms: ['beam', 'mcts'],
  problems: 16,
  concurrency: 8,
  expansions: 16,
  systemPromptWords: 100,
  contextWords: 300,
  // Prefill ~5 k tokens/s and decode ~100 tokens/s, and a cache of 8 k tokens: small enough that trees spread
  // over every server evict one another, as a busy server's cache does under many concurrent searches.
  costs: { blockTokens: 16, capacityBlocks: 512, prefillMsPerToken: 0.2, decodeMsPerToken: 1 },
  sidecarReplicas: 4,
};

export const B7_QUICK: B7Settings = { ...B7_FULL, servers: [1, 4], routings: ['random', 'prefix'], algorithms: ['beam'], problems: 4, concurrency: 4, expansions: 6, sidecarReplicas: 2 };

/** What B7 reports of a run, read off the policy servers' prefix caches. */
export interface CacheMeasures {
  searches: number;
  wallMs: number;
  searchesPerSec: number;
  promptTokens: number;
  cachedTokens: number;
  /** cached ÷ prompt tokens. */
  hitRate: number;
  prefillTokens: number;
  /** Policy requests per server. */
  requests: number[];
  /** The busiest server's requests over the mean. */
  loadSpread: number;
}

const searchCodec = () => arborV1().SearchService.service.Search;

/** The value judge and the PRM on `aux`, a fake vLLM server of their own: their traffic is not what B7 measures. */
export function b7AuxiliaryEnv(aux: FakeModelServer): Record<string, string> {
  return {
    ARBOR_VALUE_BACKEND: 'openai-judge',
    ARBOR_VALUE_BASE_URL: aux.baseUrl,
    ARBOR_VALUE_MODEL: 'fake-model',
    ARBOR_VALUE_API: 'completions',
    ARBOR_VALUE_SERVER: 'vllm',
    ARBOR_REWARD_BACKEND: 'vllm-prm',
    ARBOR_REWARD_BASE_URL: aux.url,
    ARBOR_REWARD_MODEL: 'fake-prm',
    ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
  };
}

/** A system prompt of about `words` tokens, the same for every problem. */
export function b7SystemPrompt(words: number): string {
  const text = 'You are a careful mathematician. Solve the problem one step at a time; each step states one fact or one computation, and the last step gives the final answer.';
  const pool = text.split(' ');
  return Array.from({ length: words }, (_, i) => pool[i % pool.length]).join(' ');
}

/** A problem's own context: words no other problem's prompt shares, so its tree's prefix is its alone. */
function context(problemId: string, words: number): string {
  // A short digest of the id, so that no two problems share a word and the context stays within a question's size.
  const tag = createHash('sha1').update(problemId).digest('hex').slice(0, 6);
  return Array.from({ length: words }, (_, i) => `${tag}${i}`).join(' ');
}

/** One B7 search: the problem behind a context of its own, searched with `algorithm` at the settings' budget. */
export function b7Search(algorithm: B7Algorithm, problem: math.SampleProblem, settings: B7Settings, seed: number): SearchRequest {
  const question = `${context(problem.id, settings.contextWords)}\n\n${problem.question}`;
  return {
    problem: { task: 'math', id: problem.id, question, params: { reference: problem.reference } },
    ...(algorithm === 'beam' ? { beam: { beamWidth: 4, expansionsPerBeam: 2, useValue: false } } : { mcts: { childrenPerNode: 2 } }),
    budget: { maxExpansions: settings.expansions, deadlineMs: 120_000 },
    seed: String(seed),
  };
}

export function cacheMeasures(caches: readonly PrefixCacheModel[], searches: number, wallMs: number): CacheMeasures {
  const requests = caches.map((c) => c.stats.requests);
  const promptTokens = caches.reduce((n, c) => n + c.stats.promptTokens, 0);
  const cachedTokens = caches.reduce((n, c) => n + c.stats.cachedTokens, 0);
  const meanRequests = requests.reduce((a, b) => a + b, 0) / Math.max(1, caches.length);
  return {
    searches,
    wallMs,
    searchesPerSec: searches / (wallMs / 1000),
    promptTokens,
    cachedTokens,
    hitRate: promptTokens === 0 ? 0 : cachedTokens / promptTokens,
    prefillTokens: caches.reduce((n, c) => n + c.stats.prefillTokens, 0),
    requests,
    loadSpread: meanRequests === 0 ? 0 : Math.max(...requests) / meanRequests,
  };
}

/** The settings' sample problems searched with `algorithm`, `concurrency` at a time, through `search`. */
export async function searchSamples(
  settings: B7Settings,
  algorithm: B7Algorithm,
  search: (request: SearchRequest__Output) => Promise<unknown>,
): Promise<{ wallMs: number; searches: number }> {
  const problems = math.SAMPLE_PROBLEMS.slice(0, settings.problems);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      while (next < problems.length) {
        const index = next++;
        await search(searchCodec().requestDeserialize(searchCodec().requestSerialize(b7Search(algorithm, problems[index]!, settings, 1 + index))));
      }
    }),
  );
  return { wallMs: performance.now() - started, searches: problems.length };
}

/** A fake vLLM server whose completions go through `cache` (B7's policy model server). */
export function startPrefixCacheServer(cache: PrefixCacheModel): Promise<FakeModelServer> {
  return startFakeModelServer(prefixCachedRoutes(cache));
}

/** The fake vLLM server of the value judge and the PRM (see b7AuxiliaryEnv). */
export function startAuxiliaryServer(): Promise<FakeModelServer> {
  return startFakeModelServer({ ...emulatedServerRoutes('vllm'), '/pooling': qwenPrmRows() });
}

/** The openai policy backend's settings for B7, over the servers at `baseUrls`. */
export function b7PolicyEnv(settings: B7Settings, baseUrls: readonly string[]): Record<string, string> {
  return {
    ARBOR_POLICY_BACKEND: 'openai',
    ARBOR_POLICY_BASE_URL: baseUrls.join(','),
    ARBOR_POLICY_MODEL: 'fake-model',
    ARBOR_POLICY_SERVER: 'vllm',
    ARBOR_POLICY_SYSTEM_PROMPT: b7SystemPrompt(settings.systemPromptWords),
  };
}

