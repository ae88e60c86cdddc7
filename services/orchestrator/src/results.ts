// Turns a search outcome into the wire SearchResult and progress messages (trees: tree-pages.ts).
import type { SearchProgress, SearchResult, SearchStats, ServiceCost, StopReason } from '@arbor/contracts';
import type { ModelService, SearchOutcome, SearchStats as DomainStats, StopReason as DomainStopReason } from '@arbor/search';
import { treePage } from './tree-pages.js';

export function stopReasonToWire(reason: DomainStopReason): StopReason {
  return `STOP_REASON_${reason.toUpperCase()}` as StopReason;
}

export function statsToWire(stats: DomainStats, wallMs: number): SearchStats {
  return {
    expansions: stats.expansions,
    nodes: stats.nodes,
    modelCalls: stats.modelCalls,
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    costUsd: stats.costUsd,
    wallMs,
    depth: stats.depth,
    generatedSteps: stats.generatedSteps,
    invalidSteps: stats.invalidSteps,
    retries: stats.retries,
    hedges: stats.hedges,
    cachedInputTokens: stats.cachedInputTokens,
  };
}

const SERVICES: ModelService[] = ['policy', 'value', 'reward'];

export function costToWire(stats: DomainStats): ServiceCost[] {
  return SERVICES.map((service) => {
    const usage = stats.perService[service];
    return {
      service,
      calls: usage.calls,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: usage.costUsd,
      cachedInputTokens: usage.cachedInputTokens,
    };
  });
}

export interface ResultContext {
  searchId: string;
  algorithm: string;
  traceId: string;
  wallMs: number;
  solved: boolean;
  includeTree: boolean;
}

export function resultToWire(outcome: SearchOutcome, context: ResultContext): SearchResult {
  return {
    searchId: context.searchId,
    answer: outcome.answer,
    solved: context.solved,
    best: { steps: outcome.best.map((s) => ({ text: s.text, logprob: s.logprob, tokens: s.tokens })) },
    score: outcome.score,
    stats: statsToWire(outcome.stats, context.wallMs),
    cost: costToWire(outcome.stats),
    stopReason: stopReasonToWire(outcome.stopReason),
    traceId: context.traceId,
    algorithm: context.algorithm,
    ...(context.includeTree && { tree: treePage(context.searchId, outcome.treeView) }),
  };
}

export function progressToWire(searchId: string, stats: DomainStats, wallMs: number, bestScore: number, bestAnswer: string): SearchProgress {
  return { searchId, stats: statsToWire(stats, wallMs), bestScore, bestAnswer };
}
