import { describe, expect, it } from 'vitest';
import type { Principal } from '@arbor/kit/auth';
import { DEFAULT_BUDGET_LIMITS, budgetFromRequest, withTenantLimits } from './budget.js';
import { TenantQuotas } from './tenant-quotas.js';

const tenant = (name: string, limits: Principal['limits']): Principal => ({ tenant: name, via: 'token', limits });

describe('tenant quotas', () => {
  it('bound the searches one tenant has at once, not another tenant', () => {
    const quotas = new TenantQuotas();
    const a = tenant('a', { maxConcurrentSearches: 2 });
    const leave1 = quotas.enter(a);
    quotas.enter(a);
    expect(() => quotas.enter(a)).toThrow(/^tenant limit maxConcurrentSearches: 2 searches of this tenant running or waiting, at most 2; retry when one ends$/);
    expect(() => quotas.enter(tenant('b', { maxConcurrentSearches: 2 }))).not.toThrow();
    leave1();
    leave1();
    expect(quotas.active('a')).toBe(1);
    expect(() => quotas.enter(a)).not.toThrow();
  });

  it('bound searches per minute with a bucket that refills evenly', () => {
    let now = 0;
    const quotas = new TenantQuotas(() => now);
    const a = tenant('a', { searchesPerMinute: 3 });
    for (let i = 0; i < 3; i++) quotas.enter(a)();
    expect(() => quotas.enter(a)).toThrow(/^tenant limit searchesPerMinute: at most 3 searches a minute; retry in 20 s$/);
    now += 19_000;
    expect(() => quotas.enter(a)).toThrow(/searchesPerMinute/);
    now += 1_000;
    expect(() => quotas.enter(a)).not.toThrow();
    expect(() => quotas.enter(a)).toThrow(/searchesPerMinute/);
  });

  it('ask nothing of a tenant without limits', () => {
    const quotas = new TenantQuotas();
    for (let i = 0; i < 1000; i++) quotas.enter(tenant('free', {}));
    expect(quotas.active('free')).toBe(1000);
  });
});

describe('tenant budget limits', () => {
  const budget = (fields: { maxTokens?: number; maxCostUsd?: number }) =>
    budgetFromRequest({ maxExpansions: 0, maxModelCalls: 0, maxTokens: 0, maxCostUsd: 0, deadlineMs: 0, maxNodes: 0, maxDepth: 0, maxGeneratedSteps: 0, maxOutputTokens: 0, ...fields }, DEFAULT_BUDGET_LIMITS);

  it('refuse a search that asks more than its tenant may spend, naming the limit', () => {
    expect(() => withTenantLimits(budget({ maxTokens: 5001 }), { maxTokens: 5000 })).toThrow(/^budget\.max_tokens: asks 5001; tenant limit maxTokens is 5000$/);
    expect(() => withTenantLimits(budget({ maxCostUsd: 2 }), { maxCostUsd: 1.5 })).toThrow(/^budget\.max_cost_usd: asks 2; tenant limit maxCostUsd is 1\.5$/);
  });

  it('give a search that sets no such budget its tenant limit', () => {
    expect(withTenantLimits(budget({}), { maxTokens: 5000, maxCostUsd: 0.5 })).toMatchObject({ maxTokens: 5000, maxCostUsd: 0.5 });
    expect(withTenantLimits(budget({ maxTokens: 10 }), { maxTokens: 5000 })).toMatchObject({ maxTokens: 10, maxCostUsd: 0 });
    expect(withTenantLimits(budget({ maxTokens: 10 }), {})).toMatchObject({ maxTokens: 10, maxCostUsd: 0 });
  });
});
