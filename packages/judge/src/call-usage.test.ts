// judgeCallUsage: one unpriced call, with the judge's token counts and model and the caller's timing.
import { describe, expect, it } from 'vitest';
import { judgeCallUsage } from './call-usage.js';

describe('judgeCallUsage', () => {
  it('reports one unpriced call with the tokens, model and estimate flag of the result', () => {
    const result = { probabilities: [0.5], usage: { inputTokens: 120, outputTokens: 2, cachedInputTokens: 0, estimated: true }, model: 'judge-7b', undecided: 0 };
    expect(judgeCallUsage(result, 42)).toEqual({ inputTokens: 120, outputTokens: 2, cachedInputTokens: 0, calls: 1, costUsd: 0, computeMs: 42, model: 'judge-7b', estimated: true });
  });

  it('reports the cached input tokens of the result, never more than its input tokens', () => {
    const result = { probabilities: [0.5, 0.9], usage: { inputTokens: 120, outputTokens: 2, cachedInputTokens: 96, estimated: false }, model: 'judge-7b', undecided: 0 };
    expect(judgeCallUsage(result, 1)).toMatchObject({ inputTokens: 120, cachedInputTokens: 96 });
    const over = { ...result, usage: { ...result.usage, cachedInputTokens: 500 } };
    expect(judgeCallUsage(over, 1)).toMatchObject({ inputTokens: 120, cachedInputTokens: 120 });
  });

  it('reports no call for no prompts, which the judge answers without a request', () => {
    const result = { probabilities: [], usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false }, model: 'judge-7b', undecided: 0 };
    expect(judgeCallUsage(result, 0.5)).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, calls: 0, costUsd: 0, computeMs: 0.5, model: 'judge-7b', estimated: false });
  });
});
