import { describe, expect, it } from 'vitest';
import type { DvtsConfig } from './config.js';
import { budgetCapCases } from './testing/budget-cases.js';
import { BEAM, DVTS, WORLD, run } from './testing/fixtures.js';
import { letterWorld } from './testing/synthetic.js';
import { callLog, mirrored, pathOf, searchIn, shuffled, trapWorld } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

describe('DVTS', () => {
  it('finds the optimum that greedy decoding misses', async () => {
    const { outcome, client } = await run(DVTS);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.score).toBe(1);
    expect(outcome.stopReason).toBe('completed');
    // The root once, for N / M = 3 first steps; then 3 subtrees x 3 candidates per level, each level one score call.
    const proposes = client.calls.filter((c) => c.method === 'propose');
    expect(proposes[0]).toMatchObject({ prefix: '', size: 3 });
    expect(proposes.slice(1).every((c) => c.size === 3)).toBe(true);
    expect(client.calls.filter((c) => c.method === 'score').map((c) => c.size)).toEqual([3, 9, 9]);
  });

  it('keeps one beam per subtree: each level expands exactly one node of every live subtree', async () => {
    const { outcome, client } = await run(DVTS);
    const level2 = client.calls.filter((c) => c.method === 'propose' && c.prefix?.length === 2).map((c) => c.prefix);
    expect(level2).toHaveLength(3);
    // One per first step: the subtrees never trade beams with each other.
    expect(new Set(level2.map((p) => p?.[0]))).toEqual(new Set(['a', 'b', 'c']));
    // And within a subtree the PRM's favourite was kept: 'bb' (0.9) over 'ba' and 'bc' (0.3).
    expect(level2).toContain('bb');
    expect(outcome.tree.nodes.filter((n) => n.depth === 3)).toHaveLength(9);
  });

  it('survives a PRM trap that collapses beam search onto the wrong first steps', async () => {
    const world = trapWorld();
    // Same 9 expansions per level; beam search keeps the 3 best of all children, DVTS the best per subtree.
    const beam = await searchIn(world, { ...BEAM, beamWidth: 3, expansionsPerBeam: 3 });
    expect(beam.outcome.answer).not.toBe('42');
    const dvts = await searchIn(world, DVTS);
    expect(dvts.outcome.answer).toBe('42');
    expect(texts(dvts.outcome.best)).toEqual(['c', 'b', 'a']);
  });

  it('issues all subtrees\' proposes of a level at once', async () => {
    const { client } = await run(DVTS, {}, { latencyMs: 2 });
    expect(client.maxInFlight.propose).toBe(3);
    expect(client.calls.slice(2, 6).map((c) => c.method)).toEqual(['propose', 'propose', 'propose', 'score']);
  });

  it('evaluates each level\'s non-terminal children in one call with useValue', async () => {
    const { outcome, client } = await run({ ...DVTS, useValue: true });
    expect(outcome.answer).toBe('42');
    expect(client.calls.filter((c) => c.method === 'evaluate').map((c) => c.size)).toEqual([3, 9]);
  });

  it('votes among the finished trajectories when asked', async () => {
    // Without an outcome reward, the vote decides; every subtree finishes with a scored answer.
    const world = { ...WORLD, outcome: () => undefined };
    const best = await searchIn(world, { ...DVTS, vote: 'best' });
    const weighted = await searchIn(world, { ...DVTS, vote: 'reward_weighted' });
    expect(best.outcome.answer).toBe('42');
    expect(best.outcome.score).toBeCloseTo(0.9, 12);
    expect(weighted.outcome.answer).toBe('42');
    expect(weighted.outcome.score).toBeLessThan(1);
  });

  it('stops with solved after the level that found a verified answer', async () => {
    const { outcome } = await run({ ...DVTS, stopOnSolution: true });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
  });

  it('reports max_depth with the best partial beam when the cap cuts every subtree', async () => {
    const { outcome } = await run(DVTS, { maxDepth: 2 });
    expect(outcome.stopReason).toBe('max_depth');
    expect(outcome.answer).toBe('');
    expect(texts(outcome.best)).toEqual(['b', 'b']);
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    const config: DvtsConfig = { ...DVTS, nBeams: 12, expansionsPerBeam: 3 };

    it('builds the identical tree for a seed, and a different one for another seed', async () => {
      const a = await searchIn(world, config, { client: { latencyMs: shuffled } });
      const b = await searchIn(world, config, { client: { latencyMs: mirrored } });
      expect(a.client.maxInFlight.propose).toBe(4);
      expect(b.outcome.tree).toEqual(a.outcome.tree);
      expect(callLog(b.client)).toEqual(callLog(a.client));
      expect(a.outcome.answer).toBe('42');
      const other = await searchIn(world, config, { client: { latencyMs: shuffled }, seed: 4 });
      expect(other.outcome.tree).not.toEqual(a.outcome.tree);
    });

    budgetCapCases(world, config, [
      ['maxExpansions', 3, 'max_expansions'],
      ['maxExpansions', 7, 'max_expansions'],
      ['maxModelCalls', 5, 'max_model_calls'],
      ['maxModelCalls', 9, 'max_model_calls'],
      ['maxNodes', 7, 'max_nodes'],
      ['maxNodes', 15, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });

  it('never creates a state twice with dedupeStates, even from a policy that repeats itself', async () => {
    const dup = await run({ ...DVTS, dedupeStates: true }, {}, { withReplacement: true });
    const paths = dup.outcome.tree.nodes.map((n) => pathOf(dup.outcome.tree, n.id));
    expect(new Set(paths).size).toBe(paths.length);
    const kept = await run({ ...DVTS, dedupeStates: false }, {}, { withReplacement: true });
    const all = kept.outcome.tree.nodes.map((n) => pathOf(kept.outcome.tree, n.id));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});
