import { describe, expect, it } from 'vitest';
import type { BfsConfig } from './config.js';
import { budgetCapCases, determinismCase } from './testing/budget-cases.js';
import { BFS, run } from './testing/fixtures.js';
import { letterWorld, type World } from './testing/synthetic.js';
import { pathOf, searchIn } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);
const SEQUENTIAL: BfsConfig = { ...BFS, parallelExpansions: 1 };

describe('best-first search', () => {
  it('follows the value estimate straight to the optimum greedy decoding misses', async () => {
    const { outcome, client } = await run({ ...SEQUENTIAL, stopOnSolution: true });
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.stopReason).toBe('solved');
    // Root, then the best-valued node each time: 'b' (0.8), 'bb' (0.8); no detour.
    expect(client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix)).toEqual(['', 'b', 'bb']);
    // Each expansion: one propose, one score call for its children, one evaluate for the open ones.
    expect(client.calls.map((c) => c.method)).toEqual([
      'propose', 'score', 'evaluate', 'propose', 'score', 'evaluate', 'propose', 'score',
    ]);
  });

  it('expands nodes in priority order and reports exhausted when the queue empties', async () => {
    const { outcome, client } = await run(SEQUENTIAL);
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.answer).toBe('42');
    const order = client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix ?? '');
    // Every non-terminal state once: 1 + 3 + 9.
    expect(order).toHaveLength(13);
    expect(new Set(order).size).toBe(13);
    // On-path states (value 0.8) come before every other state (0.2).
    expect(order.slice(0, 3)).toEqual(['', 'b', 'bb']);
  });

  it('with priority logprob, orders by sum(logprob) / depth^alpha', async () => {
    // alpha = 1 (the mean step logprob): 'aa' scores -0.3 like 'a', far above 'b' (-1.0), so the search
    // dives along 'a' without paying for depth.
    const mean = await run({ ...SEQUENTIAL, priority: 'logprob', lengthPenalty: 1 });
    const meanOrder = mean.client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix);
    expect(meanOrder.slice(0, 3)).toEqual(['', 'a', 'aa']);
    expect(mean.client.count('evaluate')).toBe(0);
    expect(mean.outcome.answer).toBe('42'); // the queue is exhausted, so the optimum is found all the same

    const sum = await run({ ...SEQUENTIAL, priority: 'logprob', lengthPenalty: 0 });
    const sumOrder = sum.client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix);
    // alpha = 0 (the plain sum): -0.3 ('a'), -0.6 ('aa'), -1.0 ('b'), then -1.3 ('ab'): every step costs.
    expect(sumOrder.slice(0, 4)).toEqual(['', 'a', 'aa', 'b']);
  });

  it('drops a child whose step the reward model scores 0', async () => {
    // 'a' is invalid (reward 0) but the most valued; it must never be expanded.
    const base = letterWorld({ depth: 3, letters: 'abc', optimum: 'bba' });
    const world: World = {
      ...base,
      stepReward: (path) => (path[0] === 'a' ? 0 : base.stepReward(path)),
      value: (path) => (path[0] === 'a' ? 1 : base.value(path)),
    };
    const { outcome, client } = await searchIn(world, SEQUENTIAL);
    expect(client.calls.some((c) => c.method === 'propose' && c.prefix?.startsWith('a'))).toBe(false);
    expect(outcome.answer).toBe('42');
  });

  it('expands parallelExpansions best nodes at once', async () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    const { outcome, client } = await searchIn(world, { ...BFS, childrenPerNode: 4, parallelExpansions: 4 }, { client: { latencyMs: 2 } });
    expect(client.maxInFlight.propose).toBe(4);
    expect(outcome.answer).toBe('42');
    // Wave 2 takes the four children of the root, best value first ('d', then the others by id).
    const wave2 = client.calls.filter((c) => c.method === 'propose').slice(1, 5).map((c) => c.prefix);
    expect(wave2[0]).toBe('d');
    expect(new Set(wave2)).toEqual(new Set(['a', 'b', 'c', 'd']));
    // One score call for the whole wave's children.
    expect(client.calls.filter((c) => c.method === 'score')[1]?.size).toBe(16);
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    const config: BfsConfig = { ...BFS, childrenPerNode: 3, parallelExpansions: 3 };

    determinismCase(world, config, { maxInFlight: (n) => expect(n).toBe(3) });

    budgetCapCases(world, config, [
      ['maxExpansions', 2, 'max_expansions'],
      ['maxExpansions', 8, 'max_expansions'],
      ['maxModelCalls', 4, 'max_model_calls'],
      ['maxModelCalls', 10, 'max_model_calls'],
      ['maxNodes', 6, 'max_nodes'],
      ['maxNodes', 17, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });

  it('never creates a state twice with dedupeStates, even from a policy that repeats itself', async () => {
    const dup = await run(BFS, {}, { withReplacement: true });
    const paths = dup.outcome.tree.nodes.map((n) => pathOf(dup.outcome.tree, n.id));
    expect(new Set(paths).size).toBe(paths.length);
    const kept = await run({ ...BFS, dedupeStates: false }, {}, { withReplacement: true });
    const all = kept.outcome.tree.nodes.map((n) => pathOf(kept.outcome.tree, n.id));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});
