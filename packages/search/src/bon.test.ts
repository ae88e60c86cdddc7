import { describe, expect, it } from 'vitest';
import { NO_LIMITS } from './budget.js';
import type { BonConfig } from './config.js';
import { runSearch } from './search.js';
import { BON, run, WORLD } from './testing/fixtures.js';
import { letterWorld, SyntheticClient, type World } from './testing/synthetic.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

/** The answer greedy decoding (always the most likely step) reaches in `world`. */
function greedy(world: World): string {
  const path: string[] = [];
  for (;;) {
    const top = [...world.options(path)].sort((a, b) => b.logprob - a.logprob)[0];
    if (!top) return '';
    path.push(top.text);
    if (top.terminal) return top.answer ?? '';
  }
}

describe('best-of-N', () => {
  it('finds the optimum that greedy decoding misses', async () => {
    expect(greedy(WORLD)).toBe('7');
    const { outcome, client } = await run(BON);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.score).toBe(1);
    expect(outcome.stopReason).toBe('completed');
    // 64 rollouts of 3 steps each, all finished in the last round and scored in one batch.
    expect(client.count('propose')).toBe(64 * 3);
    expect(client.count('score')).toBe(1);
    expect(client.calls.find((c) => c.method === 'score')?.size).toBe(64);
    expect(client.count('evaluate')).toBe(0);
  });

  it('issues all N rollouts at once rather than one after another', async () => {
    const { outcome, client } = await run({ ...BON, n: 8 }, {}, { latencyMs: 2 });
    expect(outcome.stopReason).toBe('completed');
    expect(client.maxInFlight.propose).toBe(8);
    expect(client.calls.slice(0, 8).every((c) => c.method === 'propose' && c.prefix === '')).toBe(true);
  });

  it('gives each rollout its own seed', async () => {
    const { client } = await run({ ...BON, n: 8 });
    const firstSeeds = client.calls.slice(0, 8).map((c) => c.seed);
    expect(new Set(firstSeeds).size).toBe(8);
  });

  describe('votes on a crafted case', () => {
    // One step to an answer: '7' is likely (p = 0.82) but poorly rewarded (0.1); '42' rare but rewarded 0.9.
    // No outcome reward, so trajectory scores are the aggregated process reward.
    const crowd: World = {
      options: (path) =>
        path.length > 0
          ? []
          : [
              { text: 'x', logprob: 0, terminal: true, answer: '7' },
              { text: 'y', logprob: -1.5, terminal: true, answer: '42' },
            ],
      stepReward: (path) => (path[0] === 'y' ? 0.9 : 0.1),
      value: () => 0.5,
      outcome: () => undefined,
    };
    const config: BonConfig = { kind: 'bon', n: 20, vote: 'majority', aggregation: 'last', stopOnSolution: false };
    const search = (vote: BonConfig['vote']) =>
      runSearch({ algorithm: { ...config, vote }, budget: NO_LIMITS, seed: 3, client: new SyntheticClient({ world: crowd }) });

    it('majority follows the crowd; reward_weighted and best follow the reward', async () => {
      const majority = await search('majority');
      const sevens = majority.tree.nodes.filter((n) => n.answer === '7').length;
      const fortyTwos = 20 - sevens;
      expect(sevens).toBeGreaterThan(10);
      expect(fortyTwos).toBeGreaterThan(1);
      expect(majority.answer).toBe('7');
      expect(majority.score).toBe(sevens / 20);

      const weighted = await search('reward_weighted');
      expect(weighted.answer).toBe('42');
      expect(weighted.score).toBeCloseTo((fortyTwos * 0.9) / (fortyTwos * 0.9 + sevens * 0.1), 12);

      const best = await search('best');
      expect(best.answer).toBe('42');
      expect(best.score).toBe(0.9);
    });
  });

  describe('stopOnSolution', () => {
    // 'bb' is a verified answer two steps deep; every other path runs four steps.
    const shortcut = letterWorld({ depth: 4, letters: 'abc', optimum: 'bb' });

    it('stops as soon as a scored trajectory is verified, starting no further rollout step', async () => {
      const client = new SyntheticClient({ world: shortcut });
      const outcome = await runSearch({
        algorithm: { ...BON, stopOnSolution: true },
        budget: NO_LIMITS,
        seed: 7,
        client,
      });
      expect(outcome.stopReason).toBe('solved');
      expect(outcome.answer).toBe('42');
      expect(outcome.score).toBe(1);
      // The round that finished 'bb' was scored alongside the next round; its replies were dropped.
      expect(outcome.stats.depth).toBe(2);
      const proposes = client.count('propose');
      expect(client.calls.filter((c) => c.method === 'propose' && c.prefix?.length === 2)).toHaveLength(
        proposes - 128,
      );
      const after = client.calls.findIndex((c) => c.method === 'score');
      expect(client.calls.slice(after + 1).every((c) => c.method === 'propose' && c.prefix?.length === 2)).toBe(true);
    });

    it('runs every rollout to its end without it', async () => {
      const client = new SyntheticClient({ world: shortcut });
      const outcome = await runSearch({ algorithm: BON, budget: NO_LIMITS, seed: 7, client });
      expect(outcome.stopReason).toBe('completed');
      expect(outcome.answer).toBe('42');
      expect(outcome.stats.depth).toBe(4);
    });
  });

  it('reports exhausted when the policy has nothing to say', async () => {
    const silent: World = { options: () => [], stepReward: () => 0, value: () => 0, outcome: () => undefined };
    const client = new SyntheticClient({ world: silent });
    const outcome = await runSearch({ algorithm: { ...BON, n: 4 }, budget: NO_LIMITS, seed: 1, client });
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.answer).toBe('');
    expect(client.count('propose')).toBe(4);
    expect(client.count('score')).toBe(0);
  });
});
