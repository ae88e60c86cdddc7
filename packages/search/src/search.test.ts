import { UnavailableError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { NO_LIMITS } from './budget.js';
import { runSearch, type SearchProgress } from './search.js';
import { hashInts } from './seed.js';
import { ALGORITHMS, BEAM, BON, MCTS, run, WORLD } from './testing/fixtures.js';
import type { ModelClient } from './model.js';
import { letterWorld, SyntheticClient } from './testing/synthetic.js';

describe.each(ALGORITHMS)('%s determinism', (_name, algorithm) => {
  it('builds the identical tree for the same seed, whatever order replies arrive in', async () => {
    const fast = await run(algorithm, {}, {}, { seed: 21 });
    // Replies arrive after 0-4 ms depending on the call, so they complete out of issue order.
    const shuffled = await run(algorithm, {}, { latencyMs: (call) => hashInts([call.index]) % 5 }, { seed: 21 });
    expect(shuffled.outcome.tree).toEqual(fast.outcome.tree);
    expect(shuffled.outcome.answer).toBe(fast.outcome.answer);
    expect(shuffled.client.calls.map((c) => c.callId)).toEqual(fast.client.calls.map((c) => c.callId));
  });

  it('builds a different tree for a different seed', async () => {
    const a = await run(algorithm, {}, {}, { seed: 21 });
    const b = await run(algorithm, {}, {}, { seed: 22 });
    expect(b.outcome.tree).not.toEqual(a.outcome.tree);
  });

  it('keeps call ids unique within the search', async () => {
    const { client } = await run(algorithm);
    const ids = client.calls.map((c) => c.callId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe('propose-0');
  });
});

describe.each(ALGORITHMS)('%s when a model service fails', (_name, algorithm) => {
  it('returns the best answer found before the failure', async () => {
    // 'bb' answers '42' two steps deep while other paths run on; the first propose after that answer
    // was scored fails, so the search must hand back what it already had.
    const world = letterWorld({ depth: 4, letters: 'abc', optimum: 'bb' });
    const client: SyntheticClient = new SyntheticClient({
      world,
      onCall: (call) => (client.solutionServed && call.method === 'propose' ? 'fail' : undefined),
    });
    const config = algorithm.kind === 'beam' ? { ...BEAM, beamWidth: 3 } : algorithm;
    const outcome = await runSearch({ algorithm: config, budget: NO_LIMITS, seed: 7, client });
    expect(outcome.stopReason).toBe('model_unavailable');
    expect(outcome.error).toBeInstanceOf(UnavailableError);
    expect(outcome.answer).toBe('42');
    expect(outcome.best.map((s) => s.text)).toEqual(['b', 'b']);
  });
});

describe('stats', () => {
  it('add up across services and count transport retries', async () => {
    const usage = { inputTokens: 7, outputTokens: 3, costUsd: 0.25, calls: 2 };
    const { outcome, client } = await run(MCTS, {}, { usage: { policy: usage, value: usage, reward: usage } });
    const { stats } = outcome;
    const services = Object.values(stats.perService);
    expect(services.reduce((s, u) => s + u.calls, 0)).toBe(stats.modelCalls);
    expect(stats.modelCalls).toBe(client.calls.length);
    expect(stats.perService.policy.calls).toBe(stats.expansions);
    expect(stats.inputTokens).toBe(7 * client.calls.length);
    expect(stats.outputTokens).toBe(3 * client.calls.length);
    expect(stats.costUsd).toBe(0.25 * client.calls.length);
    expect(stats.retries).toBe(client.calls.length);
    expect(stats.nodes).toBe(outcome.tree.nodes.length);
    expect(stats.depth).toBe(3);
    expect(stats.generatedSteps).toBe(3 * stats.expansions);
  });

  it('sum cached input tokens per service and in total, as part of the input tokens', async () => {
    const usage = {
      policy: { inputTokens: 40, outputTokens: 6, cachedInputTokens: 32, costUsd: 0 },
      value: { inputTokens: 20, outputTokens: 1, cachedInputTokens: 5, costUsd: 0 },
      // A reward reply that reports no cached tokens at all.
      reward: { inputTokens: 50, outputTokens: 0, costUsd: 0 },
    };
    const { outcome, client } = await run(MCTS, {}, { usage });
    const { stats } = outcome;
    const callsTo = (method: string) => client.calls.filter((c) => c.method === method).length;
    expect(callsTo('propose')).toBeGreaterThan(0);
    expect(callsTo('evaluate')).toBeGreaterThan(0);
    expect(stats.perService.policy.cachedInputTokens).toBe(32 * callsTo('propose'));
    expect(stats.perService.value.cachedInputTokens).toBe(5 * callsTo('evaluate'));
    expect(stats.perService.reward.cachedInputTokens).toBe(0);
    expect(stats.cachedInputTokens).toBe(32 * callsTo('propose') + 5 * callsTo('evaluate'));
    expect(stats.inputTokens).toBe(40 * callsTo('propose') + 20 * callsTo('evaluate') + 50 * callsTo('score'));
  });

  it('count steps the policy dropped as invalid as generated, never beyond what was asked', async () => {
    const world = letterWorld({ depth: 3, letters: 'abc', optimum: 'ab' });
    const inner = new SyntheticClient({ world });
    // A policy that throws away the last candidate of every reply as invalid, and claims an absurd count once.
    let replies = 0;
    const client: ModelClient = {
      evaluate: (call, signal) => inner.evaluate(call, signal),
      score: (call, signal) => inner.score(call, signal),
      async propose(call, signal) {
        const reply = await inner.propose(call, signal);
        const first = replies++ === 0;
        return { ...reply, candidates: reply.candidates.slice(0, -1), invalidCandidates: first ? 1000 : 1 };
      },
    };
    const outcome = await runSearch({ algorithm: BEAM, budget: NO_LIMITS, seed: 3, client });
    const { stats } = outcome;
    expect(stats.expansions).toBe(replies);
    expect(stats.invalidSteps).toBe(replies);
    // Every reply dropped one of the three asked-for steps; the absurd claim was capped at what was asked.
    expect(stats.generatedSteps).toBe(3 * replies);
  });

  it('report progress after every expansion, and survive a progress callback that throws', async () => {
    const seen: SearchProgress[] = [];
    const { outcome } = await run(BEAM, {}, {}, {
      onProgress: (p) => {
        seen.push(p);
        throw new Error('sink is broken');
      },
    });
    expect(outcome.answer).toBe('42');
    expect(seen).toHaveLength(outcome.stats.expansions);
    expect(seen.map((p) => p.stats.expansions)).toEqual([...seen.map((p) => p.stats.expansions)].sort((a, b) => a - b));
    expect(seen.every((p) => p.stats.nodes > 1)).toBe(true);
  });

  it('show the best answer in progress as soon as one is scored', async () => {
    const seen: SearchProgress[] = [];
    const world = letterWorld({ depth: 4, letters: 'abc', optimum: 'bb' });
    await runSearch({
      algorithm: { ...BON, n: 32 },
      budget: NO_LIMITS,
      seed: 7,
      client: new SyntheticClient({ world }),
      onProgress: (p) => seen.push(p),
    });
    expect(seen.some((p) => p.bestAnswer === '42' && p.bestScore === 1)).toBe(true);
  });

  it('measure wall time on the injected clock', async () => {
    let now = 500;
    const { outcome } = await run(BON, {}, { onCall: () => void (now += 1) }, { now: () => now });
    expect(outcome.stats.wallMs).toBe(outcome.stats.modelCalls);
  });
});

describe('progress reports', () => {
  it('are thinned to one per progressIntervalMs before the pick is computed', async () => {
    let now = 0;
    const reports: number[] = [];
    // Each call moves the fake clock 10 ms, so a 25 ms interval must skip some expansions.
    const client = new SyntheticClient({ world: WORLD, onCall: () => void (now += 10) });
    await runSearch({
      algorithm: { ...BEAM, stopOnSolution: false },
      budget: NO_LIMITS,
      seed: 1,
      client,
      now: () => now,
      progressIntervalMs: 25,
      onProgress: () => reports.push(now),
    });
    expect(reports.length).toBeGreaterThan(1);
    expect(reports.length).toBeLessThan(client.count('propose'));
    for (let i = 1; i < reports.length; i++) expect(reports[i]! - reports[i - 1]!).toBeGreaterThanOrEqual(25);
  });
});
