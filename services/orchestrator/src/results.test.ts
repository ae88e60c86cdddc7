// statsToWire and costToWire: the search's totals onto SearchStats and ServiceCost, cached input tokens included.
import { describe, expect, it } from 'vitest';
import type { SearchStats } from '@arbor/search';
import { costToWire, statsToWire } from './results.js';

const stats: SearchStats = {
  expansions: 4,
  nodes: 9,
  modelCalls: 10,
  inputTokens: 700,
  outputTokens: 90,
  cachedInputTokens: 420,
  costUsd: 0.002,
  wallMs: 12,
  depth: 3,
  generatedSteps: 8,
  invalidSteps: 1,
  retries: 1,
  hedges: 0,
  perService: {
    policy: { inputTokens: 400, outputTokens: 80, cachedInputTokens: 320, calls: 4, costUsd: 0.0015 },
    value: { inputTokens: 200, outputTokens: 10, cachedInputTokens: 100, calls: 4, costUsd: 0.0005 },
    reward: { inputTokens: 100, outputTokens: 0, cachedInputTokens: 0, calls: 2, costUsd: 0 },
  },
};

describe('statsToWire', () => {
  it('puts the cached input tokens beside the input tokens', () => {
    expect(statsToWire(stats, 15)).toMatchObject({ inputTokens: 700, cachedInputTokens: 420, wallMs: 15 });
  });
});

describe('costToWire', () => {
  it('reports each service\'s cached input tokens, in service order', () => {
    expect(costToWire(stats).map((c) => [c.service, c.inputTokens, c.cachedInputTokens])).toEqual([
      ['policy', 400, 320],
      ['value', 200, 100],
      ['reward', 100, 0],
    ]);
  });
});
