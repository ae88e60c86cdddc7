import { describe, expect, it } from 'vitest';
import type { RebaseConfig } from './config.js';
import { allocateWidth } from './rebase-allocation.js';
import { budgetCapCases, determinismCase } from './testing/budget-cases.js';
import { BEAM, REBASE, run } from './testing/fixtures.js';
import { letterWorld } from './testing/synthetic.js';
import { pathOf, searchIn, trapWorld } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

function softmax(rewards: readonly number[], temperature: number): number[] {
  const w = rewards.map((r) => Math.exp(r / temperature));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / total);
}

describe('REBASE width allocation', () => {
  const cases: Array<[number, number[], number]> = [
    [16, [0.9, 0.3, 0.3], 0.2],
    [16, [0.9, 0.3, 0.3], 1],
    [7, [0.1, 0.2, 0.3, 0.4, 0.5], 0.1],
    [5, [0.5, 0.5, 0.5], 1],
    [100, [0, 1, 0.25, 0.75], 0.3],
    [3, [0.2, 0.9, 0.4, 0.6, 0.1, 0.8], 0.5],
    [1, [0.3, 0.3], 1],
  ];

  it.each(cases)('gives exactly W = %i children over %j (T = %d), each within one of its softmax share', (width, rewards, t) => {
    const counts = allocateWidth(width, rewards, t);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(width);
    softmax(rewards, t).forEach((p, i) => {
      expect(counts[i]).toBeGreaterThanOrEqual(0);
      expect(Math.abs((counts[i] ?? 0) - width * p)).toBeLessThan(1);
    });
  });

  it('follows the softmax: a higher reward never gets fewer children', () => {
    const counts = allocateWidth(16, [0.9, 0.3, 0.3], 0.2);
    // Shares 14.55, 0.72, 0.72: rounded down to 14, 0, 0, and the two children left go to the largest remainders.
    expect(counts).toEqual([14, 1, 1]);
    const spread = allocateWidth(12, [0.1, 0.4, 0.7, 1.0], 0.25);
    for (let i = 1; i < spread.length; i++) expect(spread[i] ?? 0).toBeGreaterThanOrEqual(spread[i - 1] ?? 0);
  });

  it('breaks equal remainders towards the earlier node, and is deterministic', () => {
    expect(allocateWidth(4, [0, 0, 0], 1)).toEqual([2, 1, 1]);
    expect(allocateWidth(5, [0.5, 0.5, 0.5], 1)).toEqual([2, 2, 1]);
    expect(allocateWidth(1, [0.3, 0.3], 1)).toEqual([1, 0]);
  });

  it('sharpens with a lower temperature and evens out with a higher one', () => {
    expect(allocateWidth(10, [1, 0], 0.01)).toEqual([10, 0]);
    expect(allocateWidth(10, [1, 0], 1000)).toEqual([5, 5]);
  });

  it('handles an empty level and broken rewards', () => {
    expect(allocateWidth(8, [], 1)).toEqual([]);
    expect(allocateWidth(4, [Number.NaN, 0], 1)).toEqual([2, 2]);
  });
});

describe('REBASE', () => {
  it('finds the optimum greedy decoding misses, and uses up exactly W finished trajectories', async () => {
    const { outcome, client } = await run(REBASE);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.stopReason).toBe('completed');
    expect(outcome.tree.nodes.filter((n) => n.terminal)).toHaveLength(REBASE.width);
    // Level 1: the width split 3 / 2 / 1 by softmax over rewards b = 0.9, a = c = 0.3 (T = 1); one score
    // call per level.
    const level1 = client.calls.filter((c) => c.method === 'propose' && c.prefix?.length === 1);
    expect(level1.map((c) => `${c.prefix}:${c.size}`)).toEqual(['b:3', 'a:2', 'c:1']);
    expect(client.count('score')).toBe(3);
  });

  it('takes each finished trajectory off the width of the levels after it', async () => {
    // 'bb' finishes two steps deep; every other path runs three.
    const world = letterWorld({ depth: 3, letters: 'abc', optimum: 'bb' });
    const { outcome, client } = await searchIn(world, REBASE);
    const asked = (depth: number): number =>
      client.calls.filter((c) => c.method === 'propose' && c.prefix?.length === depth).reduce((s, c) => s + c.size, 0);
    const finishedAt = (depth: number): number => outcome.tree.nodes.filter((n) => n.terminal && n.depth === depth).length;
    expect(asked(1)).toBe(REBASE.width);
    expect(finishedAt(2)).toBe(1);
    expect(asked(2)).toBe(REBASE.width - finishedAt(1) - finishedAt(2));
    expect(outcome.answer).toBe('42');
  });

  it('keeps exploring low-reward nodes that a beam would cut, so a PRM trap does not catch it', async () => {
    const world = trapWorld();
    const greedy = await searchIn(world, { ...BEAM, beamWidth: 1, expansionsPerBeam: 3 });
    expect(greedy.outcome.answer).not.toBe('42');
    const rebase = await searchIn(world, REBASE);
    expect(rebase.outcome.answer).toBe('42');
    expect(texts(rebase.outcome.best)).toEqual(['c', 'b', 'a']);
  });

  it('picks by reward-weighted vote when asked', async () => {
    // No verifier: trajectories are scored by their aggregated PRM and the answers vote.
    const world = { ...letterWorld({ depth: 3, letters: 'abc', optimum: 'bba' }), outcome: () => undefined };
    const { outcome } = await searchIn(world, { ...REBASE, vote: 'reward_weighted' });
    expect(outcome.answer).toBe('42');
    expect(outcome.score).toBeGreaterThan(0);
    expect(outcome.score).toBeLessThan(1);
  });

  it('stops with solved after the level that found a verified answer', async () => {
    const { outcome } = await run({ ...REBASE, stopOnSolution: true });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
  });

  it('evaluates each level\'s non-terminal children in one call with useValue', async () => {
    const { outcome, client } = await run({ ...REBASE, useValue: true });
    expect(outcome.answer).toBe('42');
    expect(client.count('evaluate')).toBe(2);
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    const config: RebaseConfig = { ...REBASE, width: 12, temperature: 0.3 };

    determinismCase(world, config, { maxInFlight: (n) => expect(n).toBeGreaterThan(2), answer: '42' });

    budgetCapCases(world, config, [
      ['maxExpansions', 2, 'max_expansions'],
      ['maxExpansions', 6, 'max_expansions'],
      ['maxModelCalls', 4, 'max_model_calls'],
      ['maxModelCalls', 9, 'max_model_calls'],
      ['maxNodes', 7, 'max_nodes'],
      ['maxNodes', 15, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });

  it('never creates a state twice with dedupeStates, even from a policy that repeats itself', async () => {
    const dup = await run(REBASE, {}, { withReplacement: true });
    const paths = dup.outcome.tree.nodes.map((n) => pathOf(dup.outcome.tree, n.id));
    expect(new Set(paths).size).toBe(paths.length);
    const kept = await run({ ...REBASE, dedupeStates: false }, {}, { withReplacement: true });
    const all = kept.outcome.tree.nodes.map((n) => pathOf(kept.outcome.tree, n.id));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});
