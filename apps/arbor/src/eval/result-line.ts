// One line of a configuration's results file, from a search result: the same for searches run in process, over
// --server, or as a job.
import type { SearchResult__Output } from '@arbor/contracts';
import type { ProblemEntry } from '../cli/problems/entry.js';
import type { EvalConfig } from './grid.js';
import type { ResultLine } from './run-folder.js';

export function resultLine(config: EvalConfig, entry: ProblemEntry, result: SearchResult__Output): ResultLine {
  const stats = result.stats;
  return {
    problem_id: entry.problem.id,
    config: config.name,
    answer: result.answer,
    correct: entry.verifiable ? result.solved : null,
    input_tokens: stats?.inputTokens ?? 0,
    output_tokens: stats?.outputTokens ?? 0,
    cached_input_tokens: stats?.cachedInputTokens ?? 0,
    cost_usd: stats?.costUsd ?? 0,
    expansions: stats?.expansions ?? 0,
    generated_steps: stats?.generatedSteps ?? 0,
    nodes: stats?.nodes ?? 0,
    stop_reason: String(result.stopReason).replace(/^STOP_REASON_/, '').toLowerCase(),
    wall_ms: Math.round((stats?.wallMs ?? 0) * 10) / 10,
    search_id: result.searchId,
    trace_id: result.traceId,
  };
}
