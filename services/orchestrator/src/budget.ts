// Maps a request's Budget onto the search's, applying the server's defaults and caps (deadline
// 120 s by default, refused over the cap; tree caps that stop a search instead of exhausting the process).
import type { Budget__Output } from '@arbor/contracts';
import type { Budget } from '@arbor/search';
import type { TenantLimits } from '@arbor/kit/auth';
import { InvalidArgumentError, ResourceExhaustedError } from '@arbor/kit/errors';

export interface BudgetLimits {
  defaultDeadlineMs: number;
  maxDeadlineMs: number;
  /** Cap on nodes per tree whatever the request asks. */
  maxNodes: number;
  /** Cap on steps per trajectory whatever the request asks. */
  maxDepth: number;
}

export const DEFAULT_BUDGET_LIMITS: BudgetLimits = {
  defaultDeadlineMs: 120_000,
  maxDeadlineMs: 600_000,
  maxNodes: 100_000,
  maxDepth: 64,
};

function capped(requested: number, cap: number): number {
  return requested === 0 ? cap : Math.min(requested, cap);
}

/** A deadline over the server's cap is refused, not cut short without a word: the caller planned for it. */
export function budgetFromRequest(budget: Budget__Output | null, limits: BudgetLimits): Budget {
  const asked = budget?.deadlineMs ?? 0;
  if (asked > limits.maxDeadlineMs) {
    throw new InvalidArgumentError('budget.deadline_ms', `asks ${asked} ms; this server allows at most ${limits.maxDeadlineMs} (ARBOR_SEARCH_MAX_DEADLINE_MS)`);
  }
  return {
    maxExpansions: budget?.maxExpansions ?? 0,
    maxModelCalls: budget?.maxModelCalls ?? 0,
    maxTokens: budget?.maxTokens ?? 0,
    maxCostUsd: budget?.maxCostUsd ?? 0,
    deadlineMs: Math.min(budget?.deadlineMs || limits.defaultDeadlineMs, limits.maxDeadlineMs),
    maxNodes: capped(budget?.maxNodes ?? 0, limits.maxNodes),
    maxDepth: capped(budget?.maxDepth ?? 0, limits.maxDepth),
    maxGeneratedSteps: budget?.maxGeneratedSteps ?? 0,
    maxOutputTokens: budget?.maxOutputTokens ?? 0,
  };
}

/**
 * Applies a tenant's budget limits: a search asking for more tokens or dollars than its tenant may spend on one
 * search is refused, naming the limit; one that sets no such budget gets the tenant's limit as its budget.
 */
export function withTenantLimits(budget: Budget, limits: TenantLimits): Budget {
  const bounded = { ...budget };
  if (limits.maxTokens !== undefined) {
    if (budget.maxTokens > limits.maxTokens) {
      throw new ResourceExhaustedError(`budget.max_tokens: asks ${budget.maxTokens}; tenant limit maxTokens is ${limits.maxTokens}`);
    }
    if (budget.maxTokens === 0) bounded.maxTokens = limits.maxTokens;
  }
  if (limits.maxCostUsd !== undefined) {
    if (budget.maxCostUsd > limits.maxCostUsd) {
      throw new ResourceExhaustedError(`budget.max_cost_usd: asks ${budget.maxCostUsd}; tenant limit maxCostUsd is ${limits.maxCostUsd}`);
    }
    if (budget.maxCostUsd === 0) bounded.maxCostUsd = limits.maxCostUsd;
  }
  return bounded;
}
