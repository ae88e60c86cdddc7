// What `arbor solve` prints: one JSON object per problem, or a human summary and table.
import type { SearchResult__Output } from '@arbor/contracts';
import { shorten, type ProblemEntry } from './problems/entry.js';
import { renderTable } from './table.js';

export interface SolvedProblem {
  entry: ProblemEntry;
  result: SearchResult__Output;
}

export function stopReasonName(result: SearchResult__Output): string {
  return result.stopReason.replace(/^STOP_REASON_/, '').toLowerCase();
}

/** A sum of float prices without its binary noise (0.0015577500000000003 → 0.00155775). */
export function dollars(value: number): number {
  return Number(value.toPrecision(12));
}

export function toJson({ entry, result }: SolvedProblem): Record<string, unknown> {
  const stats = result.stats;
  return {
    ...entry.json,
    answer: result.answer,
    solved: result.solved,
    verifiable: entry.verifiable,
    // The algorithm's own score for the answer: a vote share, an aggregated reward, or a value.
    score: result.score,
    steps: result.best?.steps.map((s) => s.text) ?? [],
    stats: {
      expansions: stats?.expansions ?? 0,
      nodes: stats?.nodes ?? 0,
      model_calls: stats?.modelCalls ?? 0,
      input_tokens: stats?.inputTokens ?? 0,
      // Only when a model server reported some, so the output stays as it was for those that report none.
      ...(stats?.cachedInputTokens && { cached_input_tokens: stats.cachedInputTokens }),
      output_tokens: stats?.outputTokens ?? 0,
      cost_usd: dollars(stats?.costUsd ?? 0),
      wall_ms: Math.round((stats?.wallMs ?? 0) * 10) / 10,
      generated_steps: stats?.generatedSteps ?? 0,
      invalid_steps: stats?.invalidSteps ?? 0,
    },
    // What each model service was paid for: calls, tokens and dollars.
    cost: result.cost.map((c) => ({
      service: c.service,
      calls: c.calls,
      input_tokens: c.inputTokens,
      ...(c.cachedInputTokens && { cached_input_tokens: c.cachedInputTokens }),
      output_tokens: c.outputTokens,
      cost_usd: dollars(c.costUsd),
    })),
    stop_reason: stopReasonName(result),
    trace_id: result.traceId,
    algorithm: result.algorithm,
    search_id: result.searchId,
  };
}

/** " (N input cached)" when the model servers reported prompt tokens served from their caches; "" otherwise. */
function cachedNote(cached: number | undefined): string {
  return cached ? ` (${cached} input cached)` : '';
}

function verdict(entry: ProblemEntry, result: SearchResult__Output): string {
  if (result.solved) return 'solved (verified)';
  return entry.verifiable ? 'not solved' : 'unverified (no reference answer)';
}

/** A verifiable problem left unsolved with an answer: what it shows is the best attempt, checked and rejected. */
function isAttempt(entry: ProblemEntry, result: SearchResult__Output): boolean {
  return !result.solved && entry.verifiable && result.answer !== '';
}

export function describeOne({ entry, result }: SolvedProblem): string {
  const stats = result.stats;
  const lines = [
    entry.heading,
    // Model-written steps can span lines; indent their continuation under the step.
    ...(result.best?.steps ?? []).map((s, i) => `step ${i + 1}   ${s.text.trim().replace(/\n+/g, '\n         ')}`),
    // An unsolved search's answer is its best attempt, which the checker rejected: never label it the answer.
    isAttempt(entry, result) ? `best try ${result.answer}  ${verdict(entry, result)}` : `answer   ${result.answer || '(none)'}  ${verdict(entry, result)}`,
    `stopped  ${stopReasonName(result)} (${result.algorithm})`,
    `cost     ${stats?.expansions ?? 0} expansions, ${stats?.nodes ?? 0} nodes, ${stats?.modelCalls ?? 0} model calls, ` +
      `${(stats?.inputTokens ?? 0) + (stats?.outputTokens ?? 0)} tokens${cachedNote(stats?.cachedInputTokens)}, $${(stats?.costUsd ?? 0).toFixed(4)}, ${Math.round(stats?.wallMs ?? 0)} ms`,
    `trace    ${result.traceId}`,
  ];
  return lines.join('\n');
}

export function summaryTable(solved: SolvedProblem[], totalWallMs: number): string {
  const rows = solved.map(({ entry, result }) => {
    const s = result.stats;
    return [
      entry.label,
      result.solved ? 'yes' : entry.verifiable ? 'no' : '?',
      (isAttempt(entry, result) ? `best try: ${shorten(result.answer, 14)}` : shorten(result.answer, 24)) || '-',
      String(s?.expansions ?? 0),
      String(s?.modelCalls ?? 0),
      String((s?.inputTokens ?? 0) + (s?.outputTokens ?? 0)),
      `$${(s?.costUsd ?? 0).toFixed(4)}`,
      String(Math.round(s?.wallMs ?? 0)),
    ];
  });
  const n = solved.length || 1;
  const sum = (f: (r: SearchResult__Output) => number) => solved.reduce((acc, x) => acc + f(x.result), 0);
  const solvedCount = solved.filter((x) => x.result.solved).length;
  const first = solved[0]?.entry.problem.task ?? 'countdown';
  const table = renderTable([first === 'countdown' ? 'puzzle' : 'problem', 'solved', 'answer', 'expansions', 'model calls', 'tokens', 'cost', 'ms'], rows);
  const totals =
    `solved ${solvedCount}/${solved.length} (${((100 * solvedCount) / n).toFixed(1)}%)` +
    `  mean expansions ${(sum((r) => r.stats?.expansions ?? 0) / n).toFixed(1)}` +
    `  mean model calls ${(sum((r) => r.stats?.modelCalls ?? 0) / n).toFixed(1)}` +
    `  tokens ${sum((r) => (r.stats?.inputTokens ?? 0) + (r.stats?.outputTokens ?? 0))}${cachedNote(sum((r) => r.stats?.cachedInputTokens ?? 0))}` +
    `  cost $${sum((r) => r.stats?.costUsd ?? 0).toFixed(4)}` +
    `  wall ${(totalWallMs / 1000).toFixed(2)} s`;
  return `${table}\n\n${totals}`;
}
