import { describe, expect, it } from 'vitest';
import type { ParticleFilterConfig } from './config.js';
import { multinomialResample, resamplingProbabilities } from './particle-resampling.js';
import { hashInts } from './seed.js';
import { budgetCapCases, determinismCase } from './testing/budget-cases.js';
import { PF, WORLD, run } from './testing/fixtures.js';
import { letterWorld } from './testing/synthetic.js';
import { pathOf, searchIn } from './testing/waves.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);
const uniformFrom = (salt: number) => (i: number): number => hashInts([salt, i]) / 0x1_0000_0000;

describe('particle resampling', () => {
  it('weighs by softmax(weight / temperature), with dead ends at probability 0', () => {
    const p = resamplingProbabilities([0.9, 0.3, null, 0.3], 0.2);
    const e = Math.exp(0.6 / 0.2);
    expect(p[0]).toBeCloseTo(e / (e + 2), 12);
    expect(p[1]).toBeCloseTo(1 / (e + 2), 12);
    expect(p[2]).toBe(0);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    // Temperature 1 is the paper's plain softmax of the rewards: a 0.6 gap is only a factor e^0.6.
    const flat = resamplingProbabilities([0.9, 0.3], 1);
    expect((flat[0] ?? 0) / (flat[1] ?? 1)).toBeCloseTo(Math.exp(0.6), 12);
    expect(resamplingProbabilities([Number.NaN, 0], 1)).toEqual([0.5, 0.5]);
    expect(resamplingProbabilities([null, null], 1)).toEqual([0, 0]);
    // No overflow at a tiny temperature.
    expect(resamplingProbabilities([1, 0], 1e-6)).toEqual([1, 0]);
  });

  it('inverts the cumulative distribution for each uniform and returns the indices in order', () => {
    const probabilities = [0.5, 0, 0.25, 0.25];
    const us = [0.99, 0.1, 0.6, 0.5, 0.74, 0.75];
    expect(multinomialResample(probabilities, us.length, (i) => us[i] ?? 0)).toEqual([0, 2, 2, 2, 3, 3]);
    // A zero-probability index is never drawn, even by a uniform at its boundary.
    expect(multinomialResample([0, 1, 0], 3, () => 0)).toEqual([1, 1, 1]);
    expect(multinomialResample([0, 0], 4, () => 0.5)).toEqual([]);
  });

  it('draws each particle about as often as its probability says', () => {
    const probabilities = resamplingProbabilities([0.9, 0.3, 0.3, 0.6], 0.25);
    const draws = multinomialResample(probabilities, 20_000, uniformFrom(11));
    probabilities.forEach((p, i) => {
      expect(draws.filter((d) => d === i).length / draws.length).toBeCloseTo(p, 1);
    });
    // The same uniforms give the same draws.
    expect(multinomialResample(probabilities, 50, uniformFrom(3))).toEqual(multinomialResample(probabilities, 50, uniformFrom(3)));
  });
});

describe('particle filtering', () => {
  it('finds the optimum greedy decoding misses: one single-candidate propose per particle, one score call per round', async () => {
    const { outcome, client } = await run(PF);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.stopReason).toBe('completed');
    const proposes = client.calls.filter((c) => c.method === 'propose');
    expect(proposes.every((c) => c.size === 1)).toBe(true);
    // Three rounds of eight particles; every particle finishes at depth 3, so nothing is left to extend.
    expect(proposes).toHaveLength(24);
    expect(client.calls.filter((c) => c.method === 'score').map((c) => c.size)).toEqual([8, 8, 8]);
    expect(outcome.tree.nodes).toHaveLength(25);
    expect(outcome.stats.expansions).toBe(24);
    // Copies of one particle propose with their own seeds.
    const fromRoot = proposes.filter((c) => c.prefix === '');
    expect(new Set(fromRoot.map((c) => c.seed)).size).toBe(8);
  });

  it('resampling moves particles onto high-reward steps, the more so the lower the temperature', async () => {
    const n = PF.particles;
    const share = async (temperature: number): Promise<{ before: number; after: number; expected: number }> => {
      let before = 0;
      let after = 0;
      let expected = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const { outcome, client } = await searchIn(WORLD, { ...PF, temperature }, { seed });
        // Dedupe is off, so round 1 made one depth-1 node per particle; round 2 proposes from the resampled copies.
        const k = outcome.tree.nodes.filter((n) => n.depth === 1 && n.step?.text === 'b').length;
        before += k;
        after += client.calls.filter((c) => c.method === 'propose' && c.prefix === 'b').length;
        // k particles of reward 0.9 against n - k of 0.3: each draw lands on 'b' with k e^(0.6/T) / (k e^(0.6/T) + n - k).
        const w = Math.exp(0.6 / temperature);
        expected += (n * k * w) / (k * w + n - k);
      }
      return { before: before / (20 * n), after: after / (20 * n), expected: expected / (20 * n) };
    };
    // Round-1 particles on 'b' (reward 0.9; the policy gives it p = 0.29), against their copies in round 2.
    const sharp = await share(0.2);
    expect(sharp.before).toBeGreaterThan(0.15);
    expect(sharp.before).toBeLessThan(0.45);
    expect(sharp.after).toBeGreaterThan(0.75);
    expect(Math.abs(sharp.after - sharp.expected)).toBeLessThan(0.05);
    // At a high temperature resampling is nearly uniform: the share barely moves.
    const flat = await share(100);
    expect(Math.abs(flat.after - flat.before)).toBeLessThan(0.1);
    expect(Math.abs(flat.after - flat.expected)).toBeLessThan(0.1);
  });

  it('keeps finished particles in the population without extending them, and they vote', async () => {
    // 'bb' answers two steps deep while every other path runs four; no outcome reward, so the vote decides.
    const world = { ...letterWorld({ depth: 4, letters: 'abc', optimum: 'bb' }), outcome: () => undefined };
    const { outcome, client } = await searchIn(world, { ...PF, vote: 'reward_weighted' });
    const proposes = client.calls.filter((c) => c.method === 'propose');
    expect(proposes.filter((c) => c.prefix === 'bb')).toHaveLength(0);
    const perRound = [0, 1, 2, 3].map((d) => proposes.filter((c) => c.prefix?.length === d).length);
    expect(perRound[0]).toBe(PF.particles);
    // The finished 'bb' particles hold their places (copied by resampling), so fewer particles are left to extend.
    expect(perRound[2]).toBeLessThan(PF.particles);
    expect((perRound[2] ?? 0) + (perRound[3] ?? 0)).toBeGreaterThan(0);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b']);
    // The reward-weighted share of the final population: 'bb' copies weigh 0.9, wrong finishes 0.3 each.
    expect(outcome.score).toBeGreaterThan(0.5);
    expect(outcome.score).toBeLessThanOrEqual(1);
    expect(outcome.stopReason).toBe('completed');
  });

  it('votes by the chosen rule over the final population', async () => {
    const world = { ...WORLD, outcome: () => undefined };
    const best = await searchIn(world, { ...PF, vote: 'best' });
    expect(best.outcome.answer).toBe('42');
    expect(best.outcome.score).toBeCloseTo(0.9, 12);
    const majority = await searchIn(world, { ...PF, vote: 'majority' });
    expect(majority.outcome.answer).toBe('42');
    // The share of the final particles answering '42', copies counting: a whole number of eighths.
    const eighths = majority.outcome.score * PF.particles;
    expect(eighths).toBe(Math.round(eighths));
    expect(eighths).toBeGreaterThanOrEqual(2);
  });

  it('stops with solved after the round that found a verified answer', async () => {
    const { outcome, client } = await run({ ...PF, stopOnSolution: true });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
    expect(outcome.score).toBe(1);
    expect(client.calls.at(-1)?.method).toBe('score');
    expect(client.count('score')).toBe(3);
  });

  it('evaluates each round\'s non-terminal nodes in one call with useValue', async () => {
    const { outcome, client } = await run({ ...PF, useValue: true });
    expect(outcome.answer).toBe('42');
    expect(client.calls.filter((c) => c.method === 'evaluate').map((c) => c.size)).toEqual([8, 8]);
  });

  it('reports max_depth with the best partial trajectory when every particle reaches the cap', async () => {
    const { outcome, client } = await run(PF, { maxDepth: 2 });
    expect(outcome.stopReason).toBe('max_depth');
    expect(outcome.answer).toBe('');
    expect(texts(outcome.best)).toEqual(['b', 'b']);
    expect(client.count('propose')).toBe(16);
  });

  it('ends exhausted when every particle reaches a dead end', async () => {
    const world = { ...WORLD, options: (path: readonly string[]) => (path.length >= 1 ? [] : WORLD.options(path)) };
    const { outcome } = await searchIn(world, PF);
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.answer).toBe('');
  });

  describe('budgets, each stopping at exactly its limit', () => {
    it('max_expansions and max_generated_steps: a round is cut at the particle where the budget runs out', async () => {
      for (const budget of [{ maxExpansions: 11 }, { maxGeneratedSteps: 11 }]) {
        const { outcome, client } = await run(PF, budget);
        expect(outcome.stopReason).toBe('maxExpansions' in budget ? 'max_expansions' : 'max_generated_steps');
        expect(outcome.stats.expansions).toBe(11);
        expect(outcome.stats.generatedSteps).toBe(11);
        expect(client.count('propose')).toBe(11);
        // The three particles extended in round 2 are scored before the search ends.
        expect(client.calls.filter((c) => c.method === 'score').map((c) => c.size)).toEqual([8, 3]);
        expect(outcome.tree.nodes.filter((n) => n.depth === 2)).toHaveLength(3);
      }
    });

    it('max_model_calls: the score call of a round is reserved before its proposes', async () => {
      const { outcome, client } = await run(PF, { maxModelCalls: 12 });
      expect(outcome.stopReason).toBe('max_model_calls');
      // Round 1: 8 proposes + 1 score; round 2: its score reserved, then 2 proposes fit.
      expect(client.calls.map((c) => c.method).filter((m) => m === 'propose')).toHaveLength(10);
      expect(client.calls).toHaveLength(12);
    });

    it('max_nodes: the root counts, and no particle gets a node past the cap', async () => {
      const { outcome } = await run(PF, { maxNodes: 12 });
      expect(outcome.stopReason).toBe('max_nodes');
      expect(outcome.tree.nodes).toHaveLength(12);
    });

    it('max_tokens and max_cost: no call starts once the spend reaches the limit', async () => {
      const usage = { inputTokens: 40, outputTokens: 10, costUsd: 0.01 };
      const tokens = await run(PF, { maxTokens: 600 }, { usage: { policy: usage, value: usage, reward: usage } });
      expect(tokens.outcome.stopReason).toBe('max_tokens');
      // Round 1 spends 9 x 50 = 450 < 600; round 2's proposes are issued at once (8 x 50 more), and no call after.
      expect(tokens.client.calls).toHaveLength(17);
      const cost = await run(PF, { maxCostUsd: 0.1 }, { usage: { policy: usage, value: usage, reward: usage } });
      expect(cost.outcome.stopReason).toBe('max_cost');
      expect(cost.client.calls).toHaveLength(17);
    });

    it('deadline: no call starts after it', async () => {
      let now = 0;
      const issuedAt: number[] = [];
      const onCall = (): void => {
        issuedAt.push(now);
        now += 10; // each call "takes" 10 ms of fake time
      };
      const { outcome } = await run(PF, { deadlineMs: 95 }, { onCall }, { now: () => now });
      expect(outcome.stopReason).toBe('deadline');
      // Round 1's nine calls, then round 2's first propose at 90 ms; the next would start at 100.
      expect(issuedAt).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    });
  });

  describe('with replies arriving in any order', () => {
    const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'dcb' });
    const config: ParticleFilterConfig = { ...PF, particles: 12, temperature: 0.3 };

    determinismCase(world, config, { maxInFlight: (n) => expect(n).toBe(12), answer: '42' });

    budgetCapCases(world, config, [
      ['maxExpansions', 5, 'max_expansions'],
      ['maxExpansions', 17, 'max_expansions'],
      ['maxModelCalls', 6, 'max_model_calls'],
      ['maxModelCalls', 20, 'max_model_calls'],
      ['maxNodes', 7, 'max_nodes'],
      ['maxNodes', 20, 'max_nodes'],
      ['maxDepth', 2, 'max_depth'],
    ]);
  });

  it('with dedupeStates, copies proposing one state share its node, and the particle count holds', async () => {
    const dedupe = await run({ ...PF, dedupeStates: true });
    const paths = dedupe.outcome.tree.nodes.map((n) => pathOf(dedupe.outcome.tree, n.id));
    expect(new Set(paths).size).toBe(paths.length);
    expect(dedupe.outcome.answer).toBe('42');
    // Still one propose per particle per round: the twins were not dropped.
    expect(dedupe.client.count('propose')).toBe(24);
    expect(dedupe.outcome.tree.nodes.length).toBeLessThan(25);
    const kept = await run(PF);
    const all = kept.outcome.tree.nodes.map((n) => pathOf(kept.outcome.tree, n.id));
    expect(new Set(all).size).toBeLessThan(all.length);
  });
});

