import { describe, expect, it } from 'vitest';
import type { MctsConfig } from './config.js';
import { MCTS, run } from './testing/fixtures.js';
import { letterWorld } from './testing/synthetic.js';
import { callLog, mirrored, pathOf, searchIn, shuffled, used } from './testing/waves.js';
import { allowedChildren } from './widening.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

describe('progressive widening allowance', () => {
  it('is ceil(c * N^alpha) for the N-th visit, at least 1 and at most the cap', () => {
    // N counts the visit being made: a fresh node (0 visits so far) is on its first.
    expect(allowedChildren(0, 1, 0.5, 8)).toBe(1);
    expect(allowedChildren(1, 1, 0.5, 8)).toBe(2); // ceil(sqrt 2)
    expect(allowedChildren(3, 1, 0.5, 8)).toBe(2); // sqrt 4 = 2 exactly
    expect(allowedChildren(4, 1, 0.5, 8)).toBe(3);
    expect(allowedChildren(99, 1, 0.5, 8)).toBe(8); // 10, capped
    expect(allowedChildren(0, 2, 0.5, 8)).toBe(2);
    expect(allowedChildren(50, 3, 0, 8)).toBe(3); // alpha 0: a fixed width
    expect(allowedChildren(0, 0.1, 0.5, 8)).toBe(1); // never none
  });
});

describe('MCTS with progressive widening', () => {
  // 'b' is the policy's second choice at every step; greedy decoding answers 'aaa' -> '7'.
  const world = letterWorld({ depth: 3, letters: 'abcd', optimum: 'bba' });
  const WIDE: MctsConfig = { ...MCTS, childrenPerNode: 4, simulations: 60, progressiveWidening: true };

  it('leaves the tree unchanged when off, whether the fields are absent or set', async () => {
    const absent = await run(MCTS);
    const off = await run({ ...MCTS, progressiveWidening: false, widenC: 3, widenAlpha: 0.9 });
    expect(off.outcome.tree).toEqual(absent.outcome.tree);
    expect(callLog(off.client)).toEqual(callLog(absent.client));
  });

  it('finds the optimum greedy decoding misses, growing nodes one child at a time', async () => {
    const { outcome, client } = await searchIn(world, WIDE);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    const root = client.calls.filter((c) => c.method === 'propose' && c.prefix === '');
    // The root is asked for its allowance each time: 1, then 2, 3 and 4 as its visits grow.
    expect(root.map((c) => c.size)).toEqual([1, 2, 3, 4]);
    expect(new Set(root.map((c) => c.seed)).size).toBe(4);
    expect(outcome.tree.nodes.filter((n) => n.parentId === 0 && n.id !== 0)).toHaveLength(4);
  });

  it('never gives a node more children than its visits allow', async () => {
    const { outcome } = await searchIn(world, WIDE);
    const { nodes } = outcome.tree;
    for (const node of nodes.filter((n) => n.expanded)) {
      const children = nodes.filter((n) => n.parentId === node.id && n.id !== 0).length;
      // The last (re-)expansion happened on visit N <= visits, and allowances only grow with N.
      expect(children).toBeLessThanOrEqual(allowedChildren(node.visits - 1, 1, 0.5, 4));
    }
    // And the tree is narrower than expanding every node to childrenPerNode at once.
    const full = await searchIn(world, { ...WIDE, progressiveWidening: false });
    expect(nodes.length).toBeLessThan(full.outcome.tree.nodes.length);
  });

  it('keeps only new states when re-expanding, even without dedupeStates', async () => {
    const { outcome } = await searchIn(world, { ...WIDE, dedupeStates: false }, { client: { withReplacement: true } });
    const keys = outcome.tree.nodes.slice(1).map((n) => `${n.parentId}/${n.step?.text ?? ''}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('stops widening a node whose policy has nothing more to offer, so the search can run out', async () => {
    // Two moves per state, a cap of 4: asking for more than two gets a short reply and saturates the node.
    const small = letterWorld({ depth: 2, letters: 'ab', optimum: 'ba' });
    const { outcome } = await searchIn(small, { ...WIDE, simulations: 1000 });
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.tree.nodes).toHaveLength(7);
    expect(outcome.answer).toBe('42');
  });

  describe('in waves, with replies arriving in any order', () => {
    const WAVES: MctsConfig = { ...WIDE, parallelSimulations: 4, simulations: 60 };

    it('builds the identical tree for a seed, and a different one for another seed', async () => {
      const a = await searchIn(world, WAVES, { client: { latencyMs: shuffled } });
      const b = await searchIn(world, WAVES, { client: { latencyMs: mirrored } });
      const c = await searchIn(world, WAVES);
      expect(a.client.maxInFlight.propose).toBe(4);
      expect(b.outcome.tree).toEqual(a.outcome.tree);
      expect(c.outcome.tree).toEqual(a.outcome.tree);
      expect(callLog(b.client)).toEqual(callLog(a.client));
      expect(a.outcome.answer).toBe('42');
      const other = await searchIn(world, WAVES, { client: { latencyMs: shuffled }, seed: 4 });
      expect(other.outcome.tree).not.toEqual(a.outcome.tree);
    });

    it.each([
      ['maxExpansions', 5, 'max_expansions'],
      ['maxExpansions', 12, 'max_expansions'],
      ['maxModelCalls', 8, 'max_model_calls'],
      ['maxModelCalls', 20, 'max_model_calls'],
      ['maxNodes', 6, 'max_nodes'],
      ['maxNodes', 14, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ] as const)('never exceeds %s = %i, stopping with its reason', async (field, limit, reason) => {
      const a = await searchIn(world, { ...WAVES, simulations: 400 }, { budget: { [field]: limit }, client: { latencyMs: shuffled } });
      const b = await searchIn(world, { ...WAVES, simulations: 400 }, { budget: { [field]: limit }, client: { latencyMs: mirrored } });
      expect(a.outcome.stopReason).toBe(reason);
      expect(used(a, field)).toBeLessThanOrEqual(limit);
      if (field === 'maxExpansions' || field === 'maxDepth') expect(used(a, field)).toBe(limit);
      expect(a.outcome.stats.modelCalls).toBe(a.client.calls.length);
      expect(b.outcome.tree).toEqual(a.outcome.tree);
    });
  });
});

describe('MCTS dedupeStates', () => {
  it('never creates a state twice, even from a policy that repeats itself', async () => {
    const dup = await run(MCTS, {}, { withReplacement: true });
    const paths = dup.outcome.tree.nodes.map((n) => pathOf(dup.outcome.tree, n.id));
    expect(new Set(paths).size).toBe(paths.length);
    const kept = await run({ ...MCTS, dedupeStates: false }, {}, { withReplacement: true });
    const all = kept.outcome.tree.nodes.map((n) => pathOf(kept.outcome.tree, n.id));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});
