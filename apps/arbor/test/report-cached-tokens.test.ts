// What `arbor solve` prints of cached prompt tokens: nothing when the model servers reported none (the output is
// as it always was), the count beside the tokens when they reported some.
import { describe, expect, it } from 'vitest';
import type { SearchResult__Output } from '@arbor/contracts';
import { describeOne, summaryTable, toJson, type SolvedProblem } from '../src/cli/report.js';

function solved(cached: { total: number; policy: number }): SolvedProblem {
  const cost = (service: string, inputTokens: number, cachedInputTokens: number) => ({ service, calls: 2, inputTokens, outputTokens: 10, costUsd: 0, cachedInputTokens });
  const result: SearchResult__Output = {
    searchId: 's1',
    answer: '(10-4)*(13-9)',
    solved: true,
    best: { steps: [{ text: '10 - 4 = 6 (left: 6 9 13)', logprob: -1, tokens: 8 }] },
    score: 0.9,
    stats: {
      expansions: 2,
      nodes: 5,
      modelCalls: 6,
      inputTokens: 300,
      outputTokens: 30,
      costUsd: 0,
      wallMs: 12,
      depth: 2,
      generatedSteps: 4,
      invalidSteps: 0,
      retries: 0,
      hedges: 0,
      cachedInputTokens: cached.total,
    },
    cost: [cost('policy', 100, cached.policy), cost('value', 100, cached.total - cached.policy), cost('reward', 100, 0)],
    stopReason: 'STOP_REASON_SOLVED',
    traceId: 'a'.repeat(32),
    tree: null,
    algorithm: 'mcts',
    answers: [],
  };
  const entry = {
    problem: { task: 'countdown', id: 'p', question: '4 9 10 13', params: { target: '24' } },
    label: '4 9 10 13',
    heading: 'puzzle   4 9 10 13 -> 24',
    json: { puzzle: '4 9 10 13', target: 24 },
    verifiable: true,
    where: '',
  };
  return { entry, result };
}

describe('cached input tokens in the solve report', () => {
  it('leaves the JSON and the text as they were when none were reported', () => {
    const none = solved({ total: 0, policy: 0 });
    const json = toJson(none) as { stats: Record<string, unknown>; cost: Record<string, unknown>[] };
    expect(Object.keys(json.stats)).toEqual(['expansions', 'nodes', 'model_calls', 'input_tokens', 'output_tokens', 'cost_usd', 'wall_ms', 'generated_steps', 'invalid_steps']);
    for (const c of json.cost) expect(Object.keys(c)).toEqual(['service', 'calls', 'input_tokens', 'output_tokens', 'cost_usd']);
    expect(describeOne(none)).toContain('6 model calls, 330 tokens, $0.0000, 12 ms');
    expect(summaryTable([none], 20)).toContain('  tokens 330  cost $0.0000');
  });

  it('reports them in the JSON, per service where non-zero, and beside the tokens in the text', () => {
    const some = solved({ total: 250, policy: 200 });
    const json = toJson(some) as { stats: Record<string, unknown>; cost: Record<string, unknown>[] };
    expect(json.stats).toMatchObject({ input_tokens: 300, cached_input_tokens: 250 });
    expect(json.cost.map((c) => c.cached_input_tokens)).toEqual([200, 50, undefined]);
    expect(describeOne(some)).toContain('330 tokens (250 input cached), $0.0000');
    expect(summaryTable([some, some], 20)).toContain('  tokens 660 (500 input cached)  cost');
  });
});
