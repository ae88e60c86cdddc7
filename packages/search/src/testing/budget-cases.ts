// Shared test cases for searches whose replies may arrive in any order: every algorithm with concurrent
// calls must honour budget caps and build one tree per seed whatever the reply order, and the checks are
// the same for each, so they live here once; each test file supplies its own world, config and limits.

import { expect, it } from 'vitest';
import type { AlgorithmConfig } from '../config.js';
import type { StopReason } from '../stop.js';
import type { World } from './synthetic.js';
import { callLog, mirrored, searchIn, shuffled, used } from './waves.js';

/** A budget field `used` can measure. */
export type BudgetField = Parameters<typeof used>[1];

/** One row of the limits table: cap `field` at `limit` and expect the search to stop with `reason`. */
export type BudgetCase = readonly [field: BudgetField, limit: number, reason: StopReason];

/**
 * Registers one test per row: under shuffled and mirrored reply latencies the search stops with the cap's
 * reason, never exceeds it, counts every model call, and builds the same tree both times.
 */
export function budgetCapCases(world: World, config: AlgorithmConfig, cases: readonly BudgetCase[]): void {
  it.each(cases)('never exceeds %s = %i, stopping with its reason', async (field, limit, reason) => {
    const a = await searchIn(world, config, { budget: { [field]: limit }, client: { latencyMs: shuffled } });
    const b = await searchIn(world, config, { budget: { [field]: limit }, client: { latencyMs: mirrored } });
    expect(a.outcome.stopReason).toBe(reason);
    expect(used(a, field)).toBeLessThanOrEqual(limit);
    // Node slots are reserved for as many children as asked, so a policy returning fewer can leave the
    // tree short of maxNodes; expansions and depth are reached exactly.
    if (field === 'maxExpansions' || field === 'maxDepth') expect(used(a, field)).toBe(limit);
    expect(a.outcome.stats.modelCalls).toBe(a.client.calls.length);
    expect(b.outcome.tree).toEqual(a.outcome.tree);
  });
}

export interface DeterminismExpectations {
  /**
   * Asserts on the peak number of concurrent proposes of the shuffled run. A callback rather than a
   * number because algorithms differ in how exactly their concurrency can be pinned down.
   */
  maxInFlight: (propose: number) => void;
  /** The answer the shuffled run must find; omitted where the original test did not check it. */
  answer?: string;
}

/**
 * Registers the determinism test: shuffled, mirrored and zero latencies build the identical tree with the
 * same call log, and another seed builds a different one (so the equality is not vacuous).
 */
export function determinismCase(world: World, config: AlgorithmConfig, expected: DeterminismExpectations): void {
  it('builds the identical tree for a seed, and a different one for another seed', async () => {
    const a = await searchIn(world, config, { client: { latencyMs: shuffled } });
    const b = await searchIn(world, config, { client: { latencyMs: mirrored } });
    const c = await searchIn(world, config);
    expected.maxInFlight(a.client.maxInFlight.propose);
    expect(b.outcome.tree).toEqual(a.outcome.tree);
    expect(c.outcome.tree).toEqual(a.outcome.tree);
    expect(callLog(b.client)).toEqual(callLog(a.client));
    if (expected.answer !== undefined) expect(a.outcome.answer).toBe(expected.answer);
    const other = await searchIn(world, config, { client: { latencyMs: shuffled }, seed: 4 });
    expect(other.outcome.tree).not.toEqual(a.outcome.tree);
  });
}
