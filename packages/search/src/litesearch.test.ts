import { describe, expect, it } from 'vitest';
import type { LiteSearchConfig } from './config.js';
import { expansionBudget } from './litesearch-budget.js';
import type { Step } from './model.js';
import { budgetCapCases, determinismCase } from './testing/budget-cases.js';
import { LITE, WORLD, run } from './testing/fixtures.js';
import { letterWorld, type World } from './testing/synthetic.js';
import { pathOf, searchIn } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);
const SEQUENTIAL: LiteSearchConfig = { ...LITE, parallelExpansions: 1 };
/** threshold 0.999 gives every state of these small worlds all of its children: nothing is pruned by luck. */
const THOROUGH: LiteSearchConfig = { ...SEQUENTIAL, threshold: 0.999 };
const proposes = (client: { calls: ReadonlyArray<{ method: string; prefix?: string; size: number }> }): string[] =>
  client.calls.filter((c) => c.method === 'propose').map((c) => `${c.prefix ?? ''}:${c.size}`);

describe('LiteSearch expansion budget', () => {
  it('is the smallest C with 1 - (1 - v)^C >= threshold, over the depth, rounded up', () => {
    // 0.5^3 = 0.125 > 0.1 >= 0.5^4 = 0.0625
    expect(expansionBudget(0.5, 1, 0.9, 16)).toBe(4);
    expect(expansionBudget(0.5, 2, 0.9, 16)).toBe(2);
    // 3.32 / 3 = 1.1 rounds up to 2
    expect(expansionBudget(0.5, 3, 0.9, 16)).toBe(2);
    // 0.25 = 0.5^2 exactly: floating-point noise must not make it 3
    expect(expansionBudget(0.5, 1, 0.75, 16)).toBe(2);
    expect(expansionBudget(0.2, 1, 0.9, 16)).toBe(11);
  });

  it('treats the root (depth 0) as depth 1', () => {
    expect(expansionBudget(0.5, 0, 0.9, 16)).toBe(4);
  });

  it('clips to [2, maxChildren]', () => {
    expect(expansionBudget(0.1, 1, 0.9, 8)).toBe(8); // 22 wanted
    expect(expansionBudget(0.99, 1, 0.9, 8)).toBe(2); // 1 would do
    expect(expansionBudget(1, 1, 0.9, 8)).toBe(2);
    expect(expansionBudget(0, 1, 0.9, 8)).toBe(8); // a hopeless or unknown node: as wide as allowed
    expect(expansionBudget(Number.NaN, 1, 0.9, 8)).toBe(8);
  });
});

describe('LiteSearch', () => {
  it('goes for the highest-valued node and stops with solved on a verified answer', async () => {
    const { outcome, client } = await run({ ...SEQUENTIAL, stopOnSolution: true });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    // The root (value unknown) asks for maxChildren; 'b' (v = 0.8 x 0.9 = 0.72, depth 1) for
    // ceil(log 0.05 / log 0.28) = 3; 'bb' (depth 2) for ceil(2.35 / 2) = 2.
    expect(proposes(client)).toEqual([':3', 'b:3', 'bb:2']);
    // Every new child is evaluated, terminal or not: a finished trajectory without an outcome needs its value.
    expect(client.calls.filter((c) => c.method === 'evaluate').map((c) => c.size)).toEqual([3, 3, 2]);
  });

  it('gives confident nodes fewer children than uncertain ones', async () => {
    const { client } = await run({ ...SEQUENTIAL, threshold: 0.9, maxChildren: 3 });
    const sizes = new Map(proposes(client).map((p) => p.split(':') as [string, string]));
    // On-path 'b' (0.72) needs 2 for 90%; off-path 'a' (0.2 x 0.3 = 0.06) needs the maximum.
    expect(sizes.get('b')).toBe('2');
    expect(sizes.get('a')).toBe('3');
  });

  it('ends on its own once a finished trajectory\'s value passes stopThreshold', async () => {
    // No verifier: the finished trajectory's value is value x reward = 0.8 x 0.9 = 0.72.
    const world: World = { ...WORLD, outcome: () => undefined };
    const { outcome } = await searchIn(world, { ...THOROUGH, stopThreshold: 0.7 });
    expect(outcome.stopReason).toBe('completed');
    expect(outcome.answer).toBe('42');
    expect(outcome.score).toBeCloseTo(0.72, 12);
    const full = await searchIn(world, { ...THOROUGH, stopThreshold: 0.75 });
    expect(full.outcome.stopReason).toBe('exhausted');
    expect(full.outcome.stats.expansions).toBeGreaterThan(outcome.stats.expansions);
  });

  it('asks a node again for the rest of its budget when the policy repeated itself', async () => {
    // With replacement, a propose for 3 from 'abc' often repeats a letter; the node keeps its unused
    // budget and is asked again, with a new seed, for its whole budget (the policy cannot know which
    // states it already has), of which only new states are kept.
    const { outcome, client } = await run({ ...SEQUENTIAL, dedupeStates: false }, {}, { withReplacement: true });
    const calls = client.calls.filter((c) => c.method === 'propose');
    const again = calls.filter((c, i) => calls.findIndex((d) => d.prefix === c.prefix) !== i);
    expect(again.length).toBeGreaterThan(0);
    const tree = outcome.tree;
    for (const c of again) {
      const first = calls.find((d) => d.prefix === c.prefix);
      expect(c.seed).not.toBe(first?.seed);
      expect(c.size).toBe(first?.size);
    }
    // Never more children than the budget, and siblings are always distinct states, dedupeStates or not.
    const budgetOf = new Map(calls.map((c) => [c.prefix ?? '', c.size]));
    for (const node of tree.nodes.filter((n) => n.expanded)) {
      const children = tree.nodes.filter((n) => n.parentId === node.id && n.id !== 0);
      expect(children.length).toBeLessThanOrEqual(budgetOf.get(pathOf(tree, node.id)) ?? 0);
    }
    const keys = tree.nodes.slice(1).map((n) => `${n.parentId}/${n.step?.text ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(outcome.answer).toBe('42');
  });

  it('drops a child whose step the reward model scores 0', async () => {
    const base = letterWorld({ depth: 3, letters: 'abc', optimum: 'bba' });
    const world: World = {
      ...base,
      stepReward: (path) => (path[0] === 'a' ? 0 : base.stepReward(path)),
      value: (path) => (path[0] === 'a' ? 1 : base.value(path)),
    };
    const { outcome, client } = await searchIn(world, THOROUGH);
    expect(client.calls.some((c) => c.method === 'propose' && c.prefix?.startsWith('a'))).toBe(false);
    expect(outcome.answer).toBe('42');
  });

  it('reports max_depth when only the depth cap closed nodes', async () => {
    const { outcome } = await run(LITE, { maxDepth: 2 });
    expect(outcome.stopReason).toBe('max_depth');
    expect(texts(outcome.best)).toEqual(['b', 'b']);
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    // 0.9999 gives depth-2 states all four children, so the optimum cannot be pruned by an unlucky sample.
    const config: LiteSearchConfig = { ...LITE, threshold: 0.9999, maxChildren: 4, parallelExpansions: 3 };

    determinismCase(world, config, { maxInFlight: (n) => expect(n).toBe(3), answer: '42' });

    budgetCapCases(world, config, [
      ['maxExpansions', 2, 'max_expansions'],
      ['maxExpansions', 8, 'max_expansions'],
      ['maxModelCalls', 4, 'max_model_calls'],
      ['maxModelCalls', 10, 'max_model_calls'],
      ['maxNodes', 7, 'max_nodes'],
      ['maxNodes', 18, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });

  it('skips a state reached by another path with dedupeStates', async () => {
    // Order does not matter in this state key, so 'ab' and 'ba' are one state.
    const stateKey = (steps: readonly Step[]): string => [...steps.map((s) => s.text)].sort().join('');
    const dedupe = await searchIn(WORLD, LITE, { stateKey });
    const keys = dedupe.outcome.tree.nodes.map((n) => [...pathOf(dedupe.outcome.tree, n.id)].sort().join(''));
    expect(new Set(keys).size).toBe(keys.length);
    const kept = await searchIn(WORLD, { ...LITE, dedupeStates: false }, { stateKey });
    const all = kept.outcome.tree.nodes.map((n) => [...pathOf(kept.outcome.tree, n.id)].sort().join(''));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});
