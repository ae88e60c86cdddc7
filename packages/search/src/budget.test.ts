import { UnavailableError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { BudgetMeter, isRefusal, NO_LIMITS, type Budget, type Reservation } from './budget.js';
import { SearchControl } from './control.js';
import { UsageLedger } from './stats.js';
import { ALGORITHMS, run } from './testing/fixtures.js';

function meterFor(budget: Partial<Budget>, nodes = 1): { meter: BudgetMeter; control: SearchControl; ledger: UsageLedger } {
  const control = new SearchControl(() => 0, 0);
  const ledger = new UsageLedger();
  const meter = new BudgetMeter({ ...NO_LIMITS, ...budget }, control, ledger, () => nodes);
  return { meter, control, ledger };
}

function granted(grant: Reservation | string): Reservation {
  if (typeof grant === 'string') throw new Error(`refused: ${grant}`);
  return grant;
}

describe('BudgetMeter', () => {
  it('counts held reservations against the limit and gives them back on release', () => {
    const { meter, control } = meterFor({ maxExpansions: 2 });
    const first = granted(meter.reserve({ expansions: 2, calls: 2 }));
    expect(meter.reserve({ expansions: 1, calls: 1 })).toBe('max_expansions');
    expect(control.reason).toBe('max_expansions');
    meter.release(first);
    expect(isRefusal(meter.reserve({ expansions: 2, calls: 2 }))).toBe(false);
  });

  it('moves a call from held to used when it is issued', () => {
    const { meter, ledger } = meterFor({ maxModelCalls: 2 });
    const r = granted(meter.reserve({ expansions: 1, calls: 2 }));
    expect(meter.issue(r, 'policy')).toBeNull();
    expect(meter.issue(r, 'reward')).toBeNull();
    expect(ledger.calls).toBe(2);
    expect(ledger.expansions).toBe(1);
    expect(() => meter.issue(r, 'value')).toThrow(/without a reservation/);
    expect(meter.reserve({ calls: 1 })).toBe('max_model_calls');
  });

  it('refuses to start a call once tokens used reach the limit', () => {
    const { meter, ledger, control } = meterFor({ maxTokens: 100 });
    const r = granted(meter.reserve({ calls: 2 }));
    expect(meter.issue(r, 'reward')).toBeNull();
    ledger.received('reward', { inputTokens: 90, outputTokens: 10, calls: 1, costUsd: 0 });
    expect(meter.issue(r, 'reward')).toBe('max_tokens');
    expect(control.reason).toBe('max_tokens');
  });

  it('refuses to start a call once output tokens reach their limit, whatever the input tokens', () => {
    const { meter, ledger, control } = meterFor({ maxOutputTokens: 20 });
    const r = granted(meter.reserve({ expansions: 1, calls: 3 }));
    expect(meter.issue(r, 'policy')).toBeNull();
    ledger.received('policy', { inputTokens: 5_000, outputTokens: 12, calls: 1, costUsd: 0 });
    expect(meter.issue(r, 'reward')).toBeNull();
    ledger.received('reward', { inputTokens: 900, outputTokens: 8, calls: 1, costUsd: 0 });
    expect(ledger.outputTokens).toBe(20);
    expect(meter.issue(r, 'value')).toBe('max_output_tokens');
    expect(control.reason).toBe('max_output_tokens');
  });

  it('grants node slots partially and stops when a child list is truncated', () => {
    const { meter, control } = meterFor({ maxNodes: 5 });
    const r = granted(meter.reserve({ expansions: 1, calls: 1, nodes: 10 }));
    expect(r.nodes).toBe(4);
    expect(control.reason).toBeNull();
    expect(meter.admitNodes(r, 6)).toBe(4);
    expect(control.reason).toBe('max_nodes');
  });

  it('knows the depth cap', () => {
    expect(meterFor({ maxDepth: 2 }).meter.canExpandAt(1)).toBe(true);
    expect(meterFor({ maxDepth: 2 }).meter.canExpandAt(2)).toBe(false);
    expect(meterFor({}).meter.canExpandAt(1000)).toBe(true);
  });
});

// Every budget field, for every algorithm, on the standard synthetic world (unbounded, each solves it).
describe.each(ALGORITHMS)('%s under a budget', (_name, algorithm) => {
  it('stops at max_expansions without exceeding it', async () => {
    const { outcome, client } = await run(algorithm, { maxExpansions: 4 });
    expect(outcome.stopReason).toBe('max_expansions');
    expect(outcome.stats.expansions).toBe(4);
    expect(client.count('propose')).toBe(4);
  });

  it('stops at max_model_calls without exceeding it', async () => {
    const { outcome, client } = await run(algorithm, { maxModelCalls: 7 });
    expect(outcome.stopReason).toBe('max_model_calls');
    expect(client.calls.length).toBeLessThanOrEqual(7);
    expect(outcome.stats.modelCalls).toBe(client.calls.length);
  });

  it('stops at max_nodes without exceeding it (root included)', async () => {
    const { outcome } = await run(algorithm, { maxNodes: 6 });
    expect(outcome.stopReason).toBe('max_nodes');
    expect(outcome.tree.nodes).toHaveLength(6);
    expect(outcome.stats.nodes).toBe(6);
  });

  it('stops at max_generated_steps without exceeding it', async () => {
    const { outcome, client } = await run(algorithm, { maxGeneratedSteps: 5 });
    expect(outcome.stopReason).toBe('max_generated_steps');
    expect(outcome.stats.generatedSteps).toBeLessThanOrEqual(5);
    // Proposes in flight never ask for more than is left of the budget at the time they are issued.
    expect(Math.max(...client.calls.filter((c) => c.method === 'propose').map((c) => c.size))).toBeLessThanOrEqual(5);
  });

  it('never creates a node deeper than max_depth', async () => {
    const { outcome } = await run(algorithm, { maxDepth: 2 });
    expect(outcome.stopReason).toBe('max_depth');
    expect(Math.max(...outcome.tree.nodes.map((n) => n.depth))).toBe(2);
    expect(outcome.answer).toBe(''); // every answer in this world is 3 steps deep
  });

  it('stops at max_tokens, overshooting by at most the calls in flight', async () => {
    const perCall = 50;
    const usage = { inputTokens: 40, outputTokens: 10, costUsd: 0 };
    const { outcome, client } = await run(algorithm, { maxTokens: 300 }, { usage: { policy: usage, value: usage, reward: usage } });
    const total = outcome.stats.inputTokens + outcome.stats.outputTokens;
    expect(outcome.stopReason).toBe('max_tokens');
    expect(total).toBeGreaterThanOrEqual(300);
    expect(total).toBeLessThan(300 + client.maxInFlightTotal * perCall);
    expect(total).toBe(client.calls.length * perCall);
  });

  it('stops at max_output_tokens, overshooting by at most the calls in flight', async () => {
    const perCall = 50;
    // Input tokens far over the limit count for nothing: only what the models generate does.
    const usage = { inputTokens: 4_000, outputTokens: perCall, costUsd: 0 };
    const { outcome, client } = await run(algorithm, { maxOutputTokens: 300 }, { usage: { policy: usage, value: usage, reward: usage } });
    expect(outcome.stopReason).toBe('max_output_tokens');
    expect(outcome.stats.outputTokens).toBeGreaterThanOrEqual(300);
    expect(outcome.stats.outputTokens).toBeLessThan(300 + client.maxInFlightTotal * perCall);
    expect(outcome.stats.outputTokens).toBe(client.calls.length * perCall);
  });

  it('stops at max_cost, overshooting by at most the calls in flight', async () => {
    const usage = { inputTokens: 1, outputTokens: 1, costUsd: 0.125 };
    const { outcome, client } = await run(algorithm, { maxCostUsd: 0.75 }, { usage: { policy: usage, value: usage, reward: usage } });
    expect(outcome.stopReason).toBe('max_cost');
    expect(outcome.stats.costUsd).toBeGreaterThanOrEqual(0.75);
    expect(outcome.stats.costUsd).toBeLessThan(0.75 + client.maxInFlightTotal * 0.125);
  });

  it('stops at the deadline measured on the injected clock', async () => {
    let now = 1000;
    const issuedAt: number[] = [];
    const { outcome } = await run(
      algorithm,
      { deadlineMs: 45 },
      {
        onCall: () => {
          issuedAt.push(now - 1000);
          now += 10; // each call "takes" 10 ms of fake time
        },
      },
      { now: () => now },
    );
    expect(outcome.stopReason).toBe('deadline');
    expect(issuedAt.length).toBeGreaterThan(0);
    expect(Math.max(...issuedAt)).toBeLessThan(45);
    expect(outcome.stats.wallMs).toBeGreaterThanOrEqual(45);
  });

  it('does not let a hanging call hold the search past its deadline', async () => {
    const started = performance.now();
    const { outcome, client } = await run(algorithm, { deadlineMs: 80 }, { onCall: (call) => (call.index === 2 ? 'hang' : undefined) });
    const elapsed = performance.now() - started;
    expect(outcome.stopReason).toBe('deadline');
    expect(elapsed).toBeGreaterThanOrEqual(75);
    expect(elapsed).toBeLessThan(2000);
    expect(client.calls[2]?.signal.aborted).toBe(true);
  });

  it('stops with cancelled when the caller aborts mid-search, starting no further call', async () => {
    const controller = new AbortController();
    const { outcome, client } = await run(
      algorithm,
      {},
      { onCall: (call) => void (call.index === 3 && controller.abort()) },
      { signal: controller.signal },
    );
    expect(outcome.stopReason).toBe('cancelled');
    expect(client.calls).toHaveLength(4);
  });

  it('stops with shutdown, keeping its best answer, when the shutdown signal aborts mid-search', async () => {
    const shutdown = new AbortController();
    const { outcome, client } = await run(
      algorithm,
      {},
      { onCall: (call) => (call.index === 3 ? (shutdown.abort(), 'hang') : undefined) },
      { shutdown: shutdown.signal },
    );
    expect(outcome.stopReason).toBe('shutdown');
    expect(client.calls).toHaveLength(4);
    expect(client.calls[3]?.signal.aborted).toBe(true);
  });

  it('returns at once with cancelled when the signal is already aborted', async () => {
    const { outcome, client } = await run(algorithm, {}, {}, { signal: AbortSignal.abort() });
    expect(outcome.stopReason).toBe('cancelled');
    expect(client.calls).toHaveLength(0);
    expect(outcome.tree.nodes).toHaveLength(1);
    expect(outcome.answer).toBe('');
  });

  it('stops with model_unavailable, without throwing, when a model service is down', async () => {
    const { outcome } = await run(algorithm, {}, { onCall: () => 'fail' });
    expect(outcome.stopReason).toBe('model_unavailable');
    expect(outcome.error).toBeInstanceOf(UnavailableError);
    expect(outcome.answer).toBe('');
  });
});
