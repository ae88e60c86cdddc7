// B7 prefix cache: tree search over several policy model servers, each with a prefix cache (PrefixCacheModel: what
// vLLM's automatic prefix caching does, with a prefill cost per uncached prompt token and a decode cost per output
// token, one batch at a time). Beam search and MCTS over the math samples, each with a long context of its own
// behind a shared system prompt (as few-shot examples or a document would be), against
// 1, 2, 4 and 8 servers, with random, round-robin and prefix-aware routing (ARBOR_POLICY_ROUTING). Reported: the
// cache hit rate (cached ÷ prompt tokens), the prompt tokens prefilled, searches per second and the load spread
// (the busiest server's requests over the mean). Targets at 4 servers: prefix routing keeps >= 85 % of the
// single-server hit rate, gives >= 1.5x random routing's throughput, and no server takes over 1.3x the mean.
import { createHash } from 'node:crypto';
import type { SearchRequest } from '@arbor/contracts';
import { arborV1 } from '@arbor/contracts';
import { createLogger } from '@arbor/kit';
import { math } from '@arbor/tasks';
import { emulatedServerRoutes, PrefixCacheModel, prefixCachedRoute, qwenPrmRows, startFakeModelServer, type FakeModelServer, type PrefixCacheCosts } from '@arbor/testing';
import { renderTable } from '../cli/table.js';
import { composeOrchestrator } from '../compose/services.js';
import { atLeast, atMost, describeMachine, fixed, metMark, type Machine, type TargetedRatio } from './report.js';

export type B7Routing = 'random' | 'round_robin' | 'prefix';
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
};

export const B7_QUICK: B7Settings = { ...B7_FULL, servers: [1, 4], routings: ['random', 'prefix'], algorithms: ['beam'], problems: 4, concurrency: 4, expansions: 6 };

export interface B7Run {
  algorithm: B7Algorithm;
  servers: number;
  routing: B7Routing;
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

export interface B7Result {
  benchmark: 'B7';
  title: string;
  quick: boolean;
  timestamp: string;
  machine: Machine;
  parameters: B7Settings;
  runs: B7Run[];
  /** At 4 servers (or the largest run), per algorithm. */
  targets: Array<{ algorithm: B7Algorithm; servers: number; hitRateKept: TargetedRatio; throughputOverRandom: TargetedRatio; loadSpread: TargetedRatio }>;
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

async function runOne(settings: B7Settings, algorithm: B7Algorithm, count: number, routing: B7Routing): Promise<B7Run> {
  const caches = Array.from({ length: count }, () => new PrefixCacheModel(settings.costs));
  const servers: FakeModelServer[] = [];
  try {
    for (const cache of caches) {
      const routes = emulatedServerRoutes('vllm');
      servers.push(await startFakeModelServer({ ...routes, '/v1/completions': prefixCachedRoute(cache, routes['/v1/completions']!) }));
    }
    // The value judge and the PRM on a server of their own: their traffic is not what is measured.
    const aux = await startFakeModelServer({ ...emulatedServerRoutes('vllm'), '/pooling': qwenPrmRows() });
    servers.push(aux);
    const logger = createLogger('b7', { level: 'error' });
    const stack = composeOrchestrator(
      {
        ARBOR_INPROC_WORKERS: '0',
        ARBOR_POLICY_BACKEND: 'openai',
        ARBOR_POLICY_BASE_URL: servers.slice(0, count).map((s) => s.baseUrl).join(','),
        ARBOR_POLICY_MODEL: 'fake-model',
        ARBOR_POLICY_SERVER: 'vllm',
        ARBOR_POLICY_ROUTING: routing,
        ARBOR_POLICY_SYSTEM_PROMPT: b7SystemPrompt(settings.systemPromptWords),
        ...b7AuxiliaryEnv(aux),
      },
      logger,
    );
    const problems = math.SAMPLE_PROBLEMS.slice(0, settings.problems);
    let next = 0;
    const started = performance.now();
    try {
      await Promise.all(
        Array.from({ length: settings.concurrency }, async () => {
          while (next < problems.length) {
            const index = next++;
            const wire = searchCodec().requestDeserialize(searchCodec().requestSerialize(b7Search(algorithm, problems[index]!, settings, 1 + index)));
            await stack.runner.search(wire);
          }
        }),
      );
    } finally {
      await stack.close();
    }
    const wallMs = performance.now() - started;
    const requests = caches.map((c) => c.stats.requests);
    const promptTokens = caches.reduce((n, c) => n + c.stats.promptTokens, 0);
    const cachedTokens = caches.reduce((n, c) => n + c.stats.cachedTokens, 0);
    const meanRequests = requests.reduce((a, b) => a + b, 0) / count;
    return {
      algorithm,
      servers: count,
      routing,
      searches: problems.length,
      wallMs,
      searchesPerSec: problems.length / (wallMs / 1000),
      promptTokens,
      cachedTokens,
      hitRate: promptTokens === 0 ? 0 : cachedTokens / promptTokens,
      prefillTokens: caches.reduce((n, c) => n + c.stats.prefillTokens, 0),
      requests,
      loadSpread: meanRequests === 0 ? 0 : Math.max(...requests) / meanRequests,
    };
  } finally {
    await Promise.all(servers.map((s) => s.close()));
  }
}

export async function runB7(options: { quick: boolean; progress: (line: string) => void }): Promise<B7Result> {
  const settings = options.quick ? B7_QUICK : B7_FULL;
  const runs: B7Run[] = [];
  for (const algorithm of settings.algorithms) {
    for (const count of settings.servers) {
      // One server: routing changes nothing, so it runs once, as the baseline of the hit rate.
      for (const routing of count === 1 ? (['prefix'] as const) : settings.routings) {
        const run = await runOne(settings, algorithm, count, routing);
        runs.push(run);
        options.progress(`B7: ${algorithm}, ${count} servers, ${routing}: hit rate ${fixed(run.hitRate, 2)}, ${fixed(run.searchesPerSec, 2)} searches/s`);
      }
    }
  }
  const targets = settings.algorithms.map((algorithm) => {
    const at = settings.servers.includes(4) ? 4 : Math.max(...settings.servers);
    const find = (servers: number, routing: B7Routing) => runs.find((r) => r.algorithm === algorithm && r.servers === servers && r.routing === routing);
    const single = find(1, 'prefix');
    const prefix = find(at, 'prefix');
    const random = find(at, 'random');
    return {
      algorithm,
      servers: at,
      hitRateKept: atLeast(single && prefix && single.hitRate > 0 ? prefix.hitRate / single.hitRate : 0, 0.85),
      throughputOverRandom: atLeast(prefix && random ? prefix.searchesPerSec / random.searchesPerSec : 0, 1.5),
      loadSpread: atMost(prefix?.loadSpread ?? Number.POSITIVE_INFINITY, 1.3),
    };
  });
  return {
    benchmark: 'B7',
    title: 'prefix cache',
    quick: options.quick,
    timestamp: new Date().toISOString(),
    machine: describeMachine(),
    parameters: settings,
    runs,
    targets,
  };
}

export function b7Table(result: B7Result): string {
  const p = result.parameters;
  const rows = result.runs.map((r) => [
    r.algorithm,
    String(r.servers),
    r.routing,
    fixed(r.hitRate, 3),
    String(r.prefillTokens),
    fixed(r.searchesPerSec, 2),
    fixed(r.loadSpread, 2),
  ]);
  return [
    `B7 prefix cache: ${p.problems} math problems with ${p.contextWords} words of context each, ${p.concurrency} at a time, ${p.expansions} expansions each, a ${p.systemPromptWords}-word system prompt; ` +
      `each server: ${p.costs.capacityBlocks} blocks of ${p.costs.blockTokens} tokens, ${p.costs.prefillMsPerToken} ms per uncached prompt token, ${p.costs.decodeMsPerToken} ms per output token${result.quick ? ' (quick)' : ''}`,
    renderTable(['algorithm', 'servers', 'routing', 'hit rate', 'prefill tokens', 'searches/s', 'load spread'], rows),
    ...result.targets.map(
      (t) =>
        `${t.algorithm} at ${t.servers} servers, prefix routing: keeps ${fixed(t.hitRateKept.value * 100, 1)}% of the single-server hit rate (${t.hitRateKept.target}: ${metMark(t.hitRateKept)}), ` +
        `${fixed(t.throughputOverRandom.value, 2)}x random routing's searches/s (${t.throughputOverRandom.target}: ${metMark(t.throughputOverRandom)}), ` +
        `busiest server ${fixed(t.loadSpread.value, 2)}x the mean (${t.loadSpread.target}: ${metMark(t.loadSpread)})`,
    ),
  ].join('\n');
}
