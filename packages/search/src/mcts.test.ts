import { describe, expect, it } from 'vitest';
import { NO_LIMITS, type Budget } from './budget.js';
import type { MctsConfig } from './config.js';
import { chooseFinal, puct, softmaxPriors } from './mcts-policy.js';
import { runSearch, type SearchOutcome } from './search.js';
import { hashInts } from './seed.js';
import { MCTS, run } from './testing/fixtures.js';
import { letterWorld, SyntheticClient, type CallRecord, type SyntheticOptions } from './testing/synthetic.js';
import { SearchTree } from './tree.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

describe('PUCT arithmetic', () => {
  it('normalises logprobs into sibling priors', () => {
    const priors = softmaxPriors([Math.log(1), Math.log(3)]);
    expect(priors[0]).toBeCloseTo(0.25, 12);
    expect(priors[1]).toBeCloseTo(0.75, 12);
    expect(softmaxPriors([Number.NaN, Number.NEGATIVE_INFINITY])).toEqual([0.5, 0.5]);
    expect(softmaxPriors([])).toEqual([]);
  });

  it('scores Q + c * P * sqrt(N_parent) / (1 + N_child), with sqrt(max(1, N_parent))', () => {
    expect(puct(0.5, 0.25, 16, 1, 2)).toBe(0.5 + (2 * 0.25 * 4) / 2);
    expect(puct(0.5, 0.25, 0, 0, 2)).toBe(0.5 + 2 * 0.25);
  });

  it('prefers a verified solution over the most visited path', () => {
    const tree = new SearchTree();
    const [a, b] = tree.addChildren(0, [
      { step: { text: 'a', logprob: 0, tokens: 1 }, terminal: true, answer: '7' },
      { step: { text: 'b', logprob: 0, tokens: 1 }, terminal: true, answer: '42' },
    ]);
    if (!a || !b) throw new Error('no children');
    a.visits = 10;
    a.outcome = 0;
    expect(chooseFinal(tree, 'visits', () => 0).answer).toBe('7');
    b.outcome = 1;
    expect(chooseFinal(tree, 'visits', () => 0).answer).toBe('42');
  });
});

describe('MCTS', () => {
  it('finds the optimum the prior disfavours', async () => {
    const { outcome, client } = await run(MCTS);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.score).toBe(1);
    expect(outcome.stopReason).toBe('completed');
    expect(outcome.tree.nodes[0]?.visits).toBe(MCTS.simulations);
    // Each expansion: one propose, one score, and one evaluate unless all children are terminal.
    const expansions = client.count('propose');
    expect(client.count('score')).toBe(expansions);
    expect(client.count('evaluate')).toBeLessThanOrEqual(expansions);
    expect(outcome.stats.expansions).toBe(expansions);
  });

  it('follows the most visited path, and the highest mean value, to the solution', async () => {
    for (const finalChoice of ['visits', 'value'] as const) {
      const { outcome } = await run({ ...MCTS, finalChoice });
      expect(outcome.answer).toBe('42');
      const root = outcome.tree.nodes[0];
      const children = outcome.tree.nodes.filter((n) => n.parentId === 0 && n.id !== 0);
      const top = [...children].sort((x, y) => y.visits - x.visits)[0];
      expect(top?.step?.text).toBe('b');
      expect(root?.expanded).toBe(true);
    }
  });

  it('reproduces the tree exactly for a seed, and not across seeds', async () => {
    const a = await run(MCTS, {}, {}, { seed: 11 });
    const b = await run(MCTS, {}, {}, { seed: 11 });
    const c = await run(MCTS, {}, {}, { seed: 12 });
    expect(b.outcome.tree).toEqual(a.outcome.tree);
    expect(b.client.calls.map((x) => [x.callId, x.seed])).toEqual(a.client.calls.map((x) => [x.callId, x.seed]));
    expect(c.outcome.tree).not.toEqual(a.outcome.tree);
  });

  it('runs parallelSimulations expansions at once and still finds the optimum', async () => {
    const world = letterWorld({ depth: 3, letters: 'abcd', optimum: 'cab' });
    const client = new SyntheticClient({ world, latencyMs: 2 });
    const outcome = await runSearch({
      algorithm: { ...MCTS, childrenPerNode: 4, parallelSimulations: 4, simulations: 80 },
      budget: NO_LIMITS,
      seed: 5,
      client,
    });
    expect(client.maxInFlight.propose).toBe(4);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['c', 'a', 'b']);
    // Virtual loss sent the first concurrent wave to four different nodes.
    const wave = client.calls.filter((c) => c.method === 'propose').slice(1, 5).map((c) => c.prefix);
    expect(new Set(wave).size).toBe(4);
    // Nothing was expanded twice.
    const prefixes = client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix);
    expect(new Set(prefixes).size).toBe(prefixes.length);
    expect(outcome.tree.nodes.every((n) => Number.isInteger(n.visits))).toBe(true);
  });

  it('stops with solved as soon as a verified terminal exists when stopOnSolution', async () => {
    const solved = await run({ ...MCTS, stopOnSolution: true });
    const full = await run(MCTS);
    expect(solved.outcome.stopReason).toBe('solved');
    expect(solved.outcome.answer).toBe('42');
    expect(solved.outcome.stats.expansions).toBeLessThan(full.outcome.stats.expansions);
  });

  it('reports exhausted once every leaf is terminal', async () => {
    const world = letterWorld({ depth: 2, letters: 'ab', optimum: 'ba' });
    const outcome = await runSearch({
      algorithm: { ...MCTS, simulations: 1000, childrenPerNode: 2 },
      budget: NO_LIMITS,
      seed: 1,
      client: new SyntheticClient({ world }),
    });
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.answer).toBe('42');
    expect(outcome.tree.nodes).toHaveLength(7);
    expect(outcome.tree.nodes.every((n) => n.terminal || n.expanded)).toBe(true);
  });

  it('backs up value x step reward, so the on-path child carries the better estimate', async () => {
    const { outcome } = await run({ ...MCTS, simulations: 1 });
    const children = outcome.tree.nodes.filter((n) => n.depth === 1);
    const b = children.find((n) => n.step?.text === 'b');
    const a = children.find((n) => n.step?.text === 'a');
    expect(b).toMatchObject({ value: 0.8, reward: 0.9 });
    expect(a).toMatchObject({ value: 0.2, reward: 0.3 });
    // One simulation: the root was expanded and got the max child estimate, 0.8 * 0.9.
    expect(outcome.tree.nodes[0]?.visits).toBe(1);
    expect(outcome.score).toBeCloseTo(0.72, 12);
  });
});

describe('MCTS in waves', () => {
  const world = letterWorld({ depth: 4, letters: 'abcd', optimum: 'cab' });
  const WAVES = { ...MCTS, childrenPerNode: 3, parallelSimulations: 4, simulations: 80 };
  /** 0-4 ms per call, and its mirror image, so replies within a wave complete in opposite orders. */
  const shuffled = (call: CallRecord): number => hashInts([call.index]) % 5;
  const mirrored = (call: CallRecord): number => 4 - shuffled(call);

  async function search(
    latencyMs: SyntheticOptions['latencyMs'],
    algorithm: MctsConfig = WAVES,
    budget: Partial<Budget> = {},
    seed = 3,
  ): Promise<{ outcome: SearchOutcome; client: SyntheticClient }> {
    const client = new SyntheticClient({ world, latencyMs });
    const outcome = await runSearch({ algorithm, budget: { ...NO_LIMITS, ...budget }, seed, client });
    return { outcome, client };
  }
  const calls = (client: SyntheticClient): Array<[string, string | undefined]> =>
    client.calls.map((c) => [c.callId, c.prefix]);

  it('builds the identical tree for a seed with 4 in flight, whatever order replies arrive in', async () => {
    const a = await search(shuffled);
    const b = await search(mirrored);
    const c = await search(0);
    expect(a.client.maxInFlight.propose).toBe(4);
    expect(b.outcome.tree).toEqual(a.outcome.tree);
    expect(c.outcome.tree).toEqual(a.outcome.tree);
    expect(b.outcome.answer).toBe(a.outcome.answer);
    expect(calls(b.client)).toEqual(calls(a.client));
    expect(calls(c.client)).toEqual(calls(a.client));
    // And the seed still matters.
    const other = await search(shuffled, WAVES, {}, 4);
    expect(other.outcome.tree).not.toEqual(a.outcome.tree);
  });

  it('numbers new nodes in selection order, which is also the order proposes were issued', async () => {
    const { outcome, client } = await search(mirrored);
    const pathOf = (id: number): string => {
      const steps: string[] = [];
      for (let node = outcome.tree.nodes[id]; node && node.id !== 0; node = outcome.tree.nodes[node.parentId]) {
        steps.unshift(node.step?.text ?? '');
      }
      return steps.join('');
    };
    const issued = client.calls.filter((c) => c.method === 'propose').map((c) => c.prefix);
    const filled = outcome.tree.nodes.slice(1).map((n) => pathOf(n.parentId));
    const parentsInIdOrder = filled.filter((p, i) => p !== filled[i - 1]);
    expect(parentsInIdOrder).toEqual(issued);
  });

  it('stops picking when a pick lands on a leaf the wave already holds', async () => {
    // The first wave can only pick the root: four slots, one propose, then its score and evaluate.
    const { client } = await search(1);
    expect(client.calls.slice(0, 4).map((c) => c.method)).toEqual(['propose', 'score', 'evaluate', 'propose']);
  });

  it('issues 16 proposes at once on a wide tree', async () => {
    const letters = 'abcdefghijklmnop';
    const uniform = Object.fromEntries([...letters].map((l) => [l, -1]));
    const wide = letterWorld({ depth: 3, letters, optimum: 'pa', logprobs: uniform });
    const client = new SyntheticClient({ world: wide, latencyMs: 1 });
    const outcome = await runSearch({
      algorithm: { ...MCTS, childrenPerNode: 16, parallelSimulations: 16, simulations: 40 },
      budget: NO_LIMITS,
      seed: 9,
      client,
    });
    expect(client.maxInFlight.propose).toBe(16);
    const proposes = client.calls.filter((c) => c.method === 'propose');
    // Wave 1 is the root alone; virtual loss spreads wave 2 over all 16 of its children.
    expect(new Set(proposes.slice(1, 17).map((c) => c.prefix)).size).toBe(16);
    expect(proposes[1]?.index).toBe(3);
    expect(proposes[16]?.index).toBe(18);
    expect(outcome.answer).toBe('42');
  });

  it('stops with solved after the wave that found the solution, reproducibly', async () => {
    const config = { ...WAVES, childrenPerNode: 4, stopOnSolution: true };
    const a = await search(shuffled, config);
    const b = await search(mirrored, config);
    expect(a.outcome.stopReason).toBe('solved');
    expect(a.outcome.answer).toBe('42');
    expect(b.outcome.tree).toEqual(a.outcome.tree);
    expect(calls(b.client)).toEqual(calls(a.client));
  });

  it.each([
    ['maxExpansions', 6, 'max_expansions'],
    ['maxExpansions', 9, 'max_expansions'],
    ['maxModelCalls', 10, 'max_model_calls'],
    ['maxModelCalls', 20, 'max_model_calls'],
    ['maxNodes', 12, 'max_nodes'],
    ['maxNodes', 20, 'max_nodes'],
  ] as const)('never exceeds %s = %i with 4 in flight', async (field, limit, reason) => {
    const a = await search(shuffled, WAVES, { [field]: limit });
    const b = await search(mirrored, WAVES, { [field]: limit });
    const { outcome, client } = a;
    expect(outcome.stopReason).toBe(reason);
    expect(outcome.stats.expansions).toBe(client.count('propose'));
    expect(outcome.stats.modelCalls).toBe(client.calls.length);
    const used = {
      maxExpansions: outcome.stats.expansions,
      maxModelCalls: client.calls.length,
      maxNodes: outcome.tree.nodes.length,
    };
    expect(used[field]).toBeLessThanOrEqual(limit);
    if (field === 'maxExpansions') expect(used[field]).toBe(limit);
    // A limit reached mid-wave still leaves a reproducible tree.
    expect(b.outcome.tree).toEqual(outcome.tree);
  });
});

describe('MCTS on a fully explored tree', () => {
  it('keeps yielding to the event loop, so a cancel lands during call-free simulations', async () => {
    // 'b' is a verified answer one step deep; with c_puct 0 selection exploits it forever and never
    // expands 'a', so the tree stays open and every simulation after the first is call-free.
    const world = letterWorld({ depth: 2, letters: 'ab', optimum: 'b' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const client = new SyntheticClient({ world });
    const outcome = await runSearch({
      algorithm: { ...MCTS, simulations: 1_000_000, childrenPerNode: 2, cPuct: 0 },
      budget: NO_LIMITS,
      seed: 1,
      client,
      signal: controller.signal,
    });
    expect(outcome.stopReason).toBe('cancelled');
    expect(outcome.tree.nodes[0]?.visits).toBeLessThan(1_000_000);
    expect(client.count('propose')).toBe(1);
  });
});
