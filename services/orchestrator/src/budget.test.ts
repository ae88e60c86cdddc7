import { describe, expect, it } from 'vitest';
import type { Budget__Output } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { DEFAULT_BUDGET_LIMITS, budgetFromRequest } from './budget.js';

const request = (fields: Partial<Budget__Output>): Budget__Output => ({
  maxExpansions: 0,
  maxModelCalls: 0,
  maxTokens: 0,
  maxCostUsd: 0,
  deadlineMs: 0,
  maxNodes: 0,
  maxDepth: 0,
  maxGeneratedSteps: 0,
  maxOutputTokens: 0,
  ...fields,
});

describe('budgetFromRequest', () => {
  it('gives a search without a deadline the default, and keeps one within the cap', () => {
    expect(budgetFromRequest(request({}), DEFAULT_BUDGET_LIMITS).deadlineMs).toBe(120_000);
    expect(budgetFromRequest(request({ deadlineMs: 600_000 }), DEFAULT_BUDGET_LIMITS).deadlineMs).toBe(600_000);
  });

  it('refuses a deadline over the cap, naming the field and the setting, instead of cutting it short', () => {
    const over = () => budgetFromRequest(request({ deadlineMs: 3_600_000 }), DEFAULT_BUDGET_LIMITS);
    expect(over).toThrow(InvalidArgumentError);
    expect(over).toThrow(/^budget\.deadline_ms: asks 3600000 ms; this server allows at most 600000 \(ARBOR_SEARCH_MAX_DEADLINE_MS\)$/);
  });

  it('caps the tree whatever the request asks', () => {
    expect(budgetFromRequest(request({ maxNodes: 10_000_000, maxDepth: 1_000 }), DEFAULT_BUDGET_LIMITS)).toMatchObject({ maxNodes: 100_000, maxDepth: 64 });
  });
});
