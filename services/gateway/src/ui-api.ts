// The tree viewer's JSON API under /ui/api: the caller's recent searches (ListSearches), one search, and its tree
// (GetTree) from a node id on, so that a page following a growing tree asks only for what is new. The caller's
// bearer token goes to the orchestrator, which decides the tenant: a page only ever sees its tenant's searches.
import type { SearchSummary__Output, TreeNode__Output } from '@arbor/contracts';
import { InvalidArgumentError, NotFoundError } from '@arbor/kit/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { httpErrorOf, sendError } from './errors.js';
import type { SearchList, SearchSummary as SearchSummaryJson, TreeJson, TreeNodeJson } from './ui-api-types.js';
import type { CallOptions, Orchestrator } from './orchestrator.js';

const STATUS: Record<string, SearchSummaryJson['status']> = {
  SEARCH_STATUS_RUNNING: 'running',
  SEARCH_STATUS_FINISHED: 'finished',
  SEARCH_STATUS_FAILED: 'failed',
};

/** The trace link of `template` (with {trace_id} in it), or null without a template or a trace. */
export function traceUrl(template: string, traceId: string): string | null {
  if (template === '' || traceId === '') return null;
  return template.replaceAll('{trace_id}', encodeURIComponent(traceId));
}

export function summaryJson(summary: SearchSummary__Output, traceTemplate: string): SearchSummaryJson {
  const stats = summary.stats;
  const finished = Number(summary.finishedUnixMs);
  return {
    search_id: summary.searchId,
    problem_id: summary.problemId,
    task: summary.task,
    algorithm: summary.algorithm,
    status: STATUS[summary.status] ?? 'running',
    stop_reason: summary.stopReason === 'STOP_REASON_UNSPECIFIED' ? '' : String(summary.stopReason).replace(/^STOP_REASON_/, '').toLowerCase(),
    solved: summary.solved,
    answer: summary.answer,
    score: summary.score,
    error: summary.error,
    started_at: new Date(Number(summary.startedUnixMs)).toISOString(),
    finished_at: finished > 0 ? new Date(finished).toISOString() : null,
    stats: {
      expansions: stats?.expansions ?? 0,
      nodes: stats?.nodes ?? 0,
      model_calls: stats?.modelCalls ?? 0,
      input_tokens: stats?.inputTokens ?? 0,
      output_tokens: stats?.outputTokens ?? 0,
      cached_input_tokens: stats?.cachedInputTokens ?? 0,
      cost_usd: stats?.costUsd ?? 0,
      wall_ms: stats?.wallMs ?? 0,
      depth: stats?.depth ?? 0,
    },
    cost: summary.cost.map((c) => ({
      service: c.service,
      calls: c.calls,
      input_tokens: c.inputTokens,
      output_tokens: c.outputTokens,
      cached_input_tokens: c.cachedInputTokens,
      cost_usd: c.costUsd,
    })),
    trace_id: summary.traceId,
    trace_url: traceUrl(traceTemplate, summary.traceId),
  };
}

/** A wire TreeNode as the viewer's API and eval's saved trees write it: snake_case, absent scores null. */
export function nodeJson(node: TreeNode__Output): TreeNodeJson {
  return {
    id: node.id,
    parent_id: node.parentId,
    depth: node.depth,
    text: node.step?.text ?? '',
    logprob: node.step?.logprob ?? 0,
    terminal: node.terminal,
    answer: node.answer,
    value: node.value ?? null,
    reward: node.reward ?? null,
    outcome: node.outcome ?? null,
    visits: node.visits,
    expanded: node.expanded,
    tokens: node.step?.tokens ?? 0,
  };
}

/** A non-negative integer query parameter, or `fallback` when absent; a bad one names the parameter. */
function queryInteger(query: unknown, name: string, fallback: number, max: number): number {
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value > max) throw new InvalidArgumentError(name, `expected an integer from 0 to ${max}`);
  return value;
}

function callOptions(request: FastifyRequest): CallOptions {
  const { authorization } = request.headers;
  return authorization ? { authorization } : {};
}

export interface UiApiOptions {
  orchestrator: Orchestrator;
  /** ARBOR_GATEWAY_TRACE_URL. */
  traceUrl: string;
}

export function registerUiApi(app: FastifyInstance, options: UiApiOptions): void {
  const { orchestrator } = options;
  const oneSearch = async (request: FastifyRequest<{ Params: { id: string } }>): Promise<SearchSummary__Output> => {
    const [summary] = await orchestrator.listSearches({ searchId: request.params.id, limit: 1 }, callOptions(request));
    if (!summary) throw new NotFoundError('search_id: no recent search with this id');
    return summary;
  };

  app.get('/ui/api/searches', async (request, reply) => {
    try {
      const limit = queryInteger(request.query, 'limit', 50, 1000);
      const searches = await orchestrator.listSearches({ limit }, callOptions(request));
      const list: SearchList = { searches: searches.map((s) => summaryJson(s, options.traceUrl)) };
      return list;
    } catch (err) {
      return sendError(reply, httpErrorOf(err));
    }
  });

  app.get<{ Params: { id: string } }>('/ui/api/searches/:id', async (request, reply) => {
    try {
      return summaryJson(await oneSearch(request), options.traceUrl);
    } catch (err) {
      return sendError(reply, httpErrorOf(err));
    }
  });

  app.get<{ Params: { id: string } }>('/ui/api/searches/:id/tree', async (request, reply) => {
    try {
      const since = queryInteger(request.query, 'since', 0, 100_000_000);
      // The summary first: when it says the search has ended, the tree read after it is the final one.
      const summary = await oneSearch(request);
      const complete = summary.status !== 'SEARCH_STATUS_RUNNING';
      // A failed search may have no tree at all (refused before its first step).
      const tree = summary.status === 'SEARCH_STATUS_FAILED' ? { nodes: [], totalNodes: 0 } : await orchestrator.getTree(request.params.id, since, callOptions(request));
      const json: TreeJson = {
        search_id: summary.searchId,
        total_nodes: tree.totalNodes,
        complete,
        chosen_path: complete ? summary.chosenPath : [],
        nodes: tree.nodes.map(nodeJson),
      };
      return json;
    } catch (err) {
      return sendError(reply, httpErrorOf(err));
    }
  });
}
