import { describe, expect, it } from 'vitest';
import { NO_LIMITS } from './budget.js';
import { runSearch } from './search.js';
import { BEAM, run } from './testing/fixtures.js';
import { letterWorld, SyntheticClient, type World } from './testing/synthetic.js';

const texts = (steps: ReadonlyArray<{ text: string }>): string[] => steps.map((s) => s.text);

describe('beam search', () => {
  it('follows the PRM to the optimum the policy prior disfavours', async () => {
    const { outcome, client } = await run(BEAM);
    expect(outcome.answer).toBe('42');
    expect(texts(outcome.best)).toEqual(['b', 'b', 'a']);
    expect(outcome.score).toBe(1);
    expect(outcome.stopReason).toBe('completed');
    // Levels of 1, 2 and 2 beams; one batch score call per level covering all of its children.
    expect(client.count('propose')).toBe(5);
    expect(client.calls.filter((c) => c.method === 'score').map((c) => c.size)).toEqual([3, 6, 6]);
    expect(client.count('evaluate')).toBe(0);
  });

  it('with useValue, evaluates each level\'s non-terminal children in one call', async () => {
    const { outcome, client } = await run({ ...BEAM, useValue: true });
    expect(outcome.answer).toBe('42');
    // The third level is all terminal, so it needs no value estimate.
    expect(client.calls.filter((c) => c.method === 'evaluate').map((c) => c.size)).toEqual([3, 6]);
    expect(client.count('score')).toBe(3);
    const valued = outcome.tree.nodes.filter((n) => n.value !== undefined);
    expect(valued.every((n) => !n.terminal)).toBe(true);
    expect(valued).toHaveLength(9);
  });

  it('records each child\'s step reward and each terminal\'s outcome in the tree', async () => {
    const { outcome } = await run(BEAM);
    const solution = outcome.tree.nodes.find((n) => n.answer === '42');
    expect(solution).toMatchObject({ terminal: true, outcome: 1, reward: 0.9, depth: 3 });
    const wrong = outcome.tree.nodes.filter((n) => n.terminal && n.answer !== '42');
    expect(wrong.every((n) => n.outcome === 0)).toBe(true);
  });

  it('issues a level\'s proposes concurrently', async () => {
    const { outcome, client } = await run({ ...BEAM, beamWidth: 3 }, {}, { latencyMs: 2 });
    expect(outcome.answer).toBe('42');
    expect(client.maxInFlight.propose).toBe(3);
    // Level 2: three proposes, then its single score call.
    expect(client.calls.slice(2, 6).map((c) => c.method)).toEqual(['propose', 'propose', 'propose', 'score']);
  });

  it('drops children whose state is already kept at the level when dedupeStates', async () => {
    // Four samples over three letters, with replacement: every propose returns a duplicate.
    const dupes = await run({ ...BEAM, expansionsPerBeam: 4 }, {}, { withReplacement: true });
    const keys = (depth: number): string[] =>
      dupes.outcome.tree.nodes
        .filter((n) => n.depth === depth)
        .map((n) => {
          const path: string[] = [];
          for (let id = n.id; id !== 0; id = dupes.outcome.tree.nodes[id]?.parentId ?? 0) {
            path.unshift(dupes.outcome.tree.nodes[id]?.step?.text ?? '');
          }
          return path.join('');
        });
    for (const depth of [1, 2, 3]) expect(new Set(keys(depth)).size).toBe(keys(depth).length);
    expect(dupes.outcome.stats.generatedSteps).toBeGreaterThan(dupes.outcome.stats.nodes - 1);

    const kept = await run({ ...BEAM, expansionsPerBeam: 4, dedupeStates: false }, {}, { withReplacement: true });
    const level1 = kept.outcome.tree.nodes.filter((n) => n.depth === 1).map((n) => n.step?.text);
    expect(level1).toHaveLength(4);
    expect(new Set(level1).size).toBeLessThan(4);
  });

  it('stops with solved on a verified answer when stopOnSolution', async () => {
    const { outcome } = await run({ ...BEAM, stopOnSolution: true });
    expect(outcome.stopReason).toBe('solved');
    expect(outcome.answer).toBe('42');
  });

  it('returns the best partial beam, without an answer, when nothing finished', async () => {
    const { outcome } = await run(BEAM, { maxDepth: 2 });
    expect(outcome.stopReason).toBe('max_depth');
    expect(outcome.answer).toBe('');
    expect(texts(outcome.best)).toEqual(['b', 'b']);
    expect(outcome.score).toBeCloseTo(0.9, 12);
  });

  it('reports exhausted when every beam dead-ends', async () => {
    // Two steps of options, then nothing: no state is terminal.
    const stub: World = {
      options: (path) => (path.length < 2 ? [{ text: 'a', logprob: 0 }, { text: 'b', logprob: -1 }] : []),
      stepReward: () => 0.5,
      value: () => 0.5,
      outcome: () => undefined,
    };
    const client = new SyntheticClient({ world: stub });
    const outcome = await runSearch({ algorithm: BEAM, budget: NO_LIMITS, seed: 1, client });
    expect(outcome.stopReason).toBe('exhausted');
    expect(outcome.answer).toBe('');
  });

  it('ranks with the value estimate when useValue', async () => {
    // The PRM likes 'a' at step 1, the value service knows only 'b' leads anywhere.
    const world = letterWorld({ depth: 2, letters: 'ab', optimum: 'bb' });
    const misleading: World = {
      ...world,
      stepReward: (path) => (path.length === 1 ? (path[0] === 'a' ? 0.9 : 0.5) : world.stepReward(path)),
    };
    const config = { ...BEAM, beamWidth: 1, expansionsPerBeam: 2 };
    const prmOnly = await runSearch({ algorithm: config, budget: NO_LIMITS, seed: 1, client: new SyntheticClient({ world: misleading }) });
    expect(prmOnly.answer).not.toBe('42');
    const withValue = await runSearch({
      algorithm: { ...config, useValue: true },
      budget: NO_LIMITS,
      seed: 1,
      client: new SyntheticClient({ world: misleading }),
    });
    expect(withValue.answer).toBe('42');
  });
});
