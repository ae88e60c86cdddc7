import { describe, expect, it } from 'vitest';
import type { BeamConfig } from './config.js';
import { budgetCapCases, determinismCase } from './testing/budget-cases.js';
import { BEAM } from './testing/fixtures.js';
import { letterWorld, type World } from './testing/synthetic.js';
import { searchIn } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

/**
 * A step the PRM misjudges on its own: 'a' looks better than 'b' at step 1 (0.6 vs 0.4), but everything
 * after 'a' is poor (0.1) while 'b' continues well ('ba' 0.9). Only 'bab' answers '42'.
 */
function shortSighted(): World {
  const base = letterWorld({ depth: 3, letters: 'ab', optimum: 'bab' });
  return {
    ...base,
    stepReward(path) {
      const p = path.join('');
      if (p.length === 1) return p === 'a' ? 0.6 : 0.4;
      if (p.startsWith('a')) return 0.1;
      if (p.length === 2) return p === 'ba' ? 0.9 : 0.2;
      return p === 'bab' ? 0.9 : 0.5;
    },
  };
}

const GREEDY: BeamConfig = { ...BEAM, beamWidth: 1, expansionsPerBeam: 2, aggregation: 'product' };

describe('beam search with lookahead', () => {
  it('sees past a step the PRM misjudges, where plain beam search does not', async () => {
    const plain = await searchIn(shortSighted(), GREEDY);
    expect(plain.outcome.answer).not.toBe('42');
    const ahead = await searchIn(shortSighted(), { ...GREEDY, lookahead: 1 });
    expect(ahead.outcome.answer).toBe('42');
    expect(texts(ahead.outcome.best)).toEqual(['b', 'a', 'b']);
  });

  it('rolls each candidate out with one-candidate proposes and scores the rolled-out trajectory', async () => {
    const { outcome, client } = await searchIn(shortSighted(), { ...GREEDY, lookahead: 1 });
    const log = client.calls.map((c) => `${c.method}:${c.size}:${c.prefix ?? ''}`);
    // Rollouts go in candidate order, which is the policy's sample order; compare each level as a set.
    const sorted = (from: number, to: number): string[] => log.slice(from, to).sort();
    expect(log[0]).toBe('propose:2:'); // level 1
    expect(sorted(1, 3)).toEqual(['propose:1:a', 'propose:1:b']); // one-step lookahead of each candidate
    expect(log[3]).toBe('score:2:'); // the two rolled-out trajectories, in one call
    expect(log[4]).toBe('propose:2:b'); // level 2: the beam is 'b', never a rollout node
    expect(sorted(5, 7)).toEqual(['propose:1:ba', 'propose:1:bb']);
    expect(log[7]).toBe('score:2:');
    expect(log.slice(8)).toEqual(['propose:2:ba', 'score:2:']); // level 3: both terminal, nothing to roll out
    const scored = client.calls.filter((c) => c.method === 'score');
    expect(scored.map((c) => c.size)).toEqual([2, 2, 2]);
    // Rollout steps count as expansions and are nodes in the tree, with the PRM's rewards on them.
    expect(outcome.stats.expansions).toBe(client.count('propose'));
    expect(outcome.tree.nodes).toHaveLength(1 + 2 + 2 + 2 + 2 + 2);
    const rollout = outcome.tree.nodes.filter((n) => n.depth === 2 && outcome.tree.nodes[n.parentId]?.step?.text === 'a');
    expect(rollout).toHaveLength(1);
    expect(rollout[0]?.reward).toBe(0.1);
    expect(Math.max(...outcome.tree.nodes.map((n) => n.depth))).toBe(3);
  });

  it('lets a rollout that finishes count as an answer, never passing the depth cap', async () => {
    // With seed 2, the rollout of 'b' runs 'b' -> 'ba' -> 'bab', the verified answer, during level 1.
    const { outcome, client } = await searchIn(shortSighted(), { ...GREEDY, lookahead: 5, stopOnSolution: true }, { seed: 2 });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
    expect(client.count('score')).toBe(1);
    const solution = outcome.tree.nodes.find((n) => n.answer === '42');
    expect(solution).toMatchObject({ depth: 3, outcome: 1, reward: 0.9 });
    // Only the root was expanded with expansionsPerBeam candidates; everything below came from rollouts.
    expect(client.calls.filter((c) => c.method === 'propose' && c.size === 2)).toHaveLength(1);
    expect(Math.max(...outcome.tree.nodes.map((n) => n.depth))).toBe(3);

    const capped = await searchIn(shortSighted(), { ...GREEDY, lookahead: 5 }, { budget: { maxDepth: 2 } });
    expect(Math.max(...capped.outcome.tree.nodes.map((n) => n.depth))).toBe(2);
    expect(capped.outcome.stopReason).toBe('max_depth');
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 5, letters: 'abc', optimum: 'bcab' });
    // 'product' keeps an on-path candidate ahead even when its sampled rollout strays.
    const config: BeamConfig = { ...BEAM, beamWidth: 2, expansionsPerBeam: 3, aggregation: 'product', lookahead: 1 };

    // Level 2 rolls out six candidates at once.
    determinismCase(world, config, { maxInFlight: (n) => expect(n).toBe(6), answer: '42' });

    budgetCapCases(world, config, [
      ['maxExpansions', 4, 'max_expansions'],
      ['maxExpansions', 11, 'max_expansions'],
      ['maxModelCalls', 5, 'max_model_calls'],
      ['maxModelCalls', 12, 'max_model_calls'],
      ['maxNodes', 6, 'max_nodes'],
      ['maxNodes', 16, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });
});
