// A judge call's usage in the shape a value or reward backend reports for one backend call.
import type { JudgeResult } from './judge.js';

/**
 * The usage of the call that got `result`, which took `computeMs`: one call (none for no prompts, which the judge
 * answers without a request), its tokens as the server counted them (or estimated) with those it served from its
 * prefix cache, unpriced, since the service prices every response itself.
 */
export function judgeCallUsage(result: JudgeResult, computeMs: number) {
  return {
    inputTokens: result.usage.inputTokens,
    outputTokens: result.usage.outputTokens,
    // Part of the input tokens, as the server reported them.
    cachedInputTokens: Math.min(result.usage.cachedInputTokens, result.usage.inputTokens),
    calls: result.probabilities.length > 0 ? 1 : 0,
    costUsd: 0,
    computeMs,
    model: result.model,
    estimated: result.usage.estimated,
  };
}
