// judgeCallUsage: one unpriced call, with the judge's token counts and model and the caller's timing.
import { describe, expect, it } from 'vitest';
import { judgeCallUsage } from './call-usage.js';

describe('judgeCallUsage', () => {
  it('reports one unpriced call with the tokens, model and estimate flag of the result', () => {
    const result = { probabilities: [0.5], usage: { inputTokens: 120, outputTokens: 2, estimated: true }, model: 'judge-7b', undecided: 0 };
    expect(judgeCallUsage(result, 42)).toEqual({ inputTokens: 120, outputTokens: 2, calls: 1, costUsd: 0, computeMs: 42, model: 'judge-7b', estimated: true });
  });
});
