// The Usage of one Propose call, summed over its HTTP requests: the server's counts, estimated where it sent none,
// and the prompt tokens it served from its prefix cache where it said so.
import type { Usage } from '@arbor/contracts';
import { estimateTokens } from '@arbor/tasks';
import type { ReplyGenerations } from './generations.js';

/**
 * @param promptText the prompt as text, to estimate input tokens of a reply without usage
 * @param model the configured model, for when no reply names one
 */
export function callUsage(replies: readonly ReplyGenerations[], promptText: string, model: string): Usage {
  let inputTokens = 0;
  let outputTokens = 0;
  let cachedInputTokens = 0;
  let estimated = false;
  for (const reply of replies) {
    if (reply.promptTokens === undefined) {
      estimated = true;
      inputTokens += estimateTokens(promptText);
    } else {
      inputTokens += reply.promptTokens;
      // Part of the reply's prompt tokens (at most them); a reply without usage reports none.
      cachedInputTokens += Math.min(reply.cachedPromptTokens ?? 0, reply.promptTokens);
    }
    if (reply.completionTokens === undefined) {
      estimated = true;
      // Logprobs count tokens exactly; only text without them is estimated.
      outputTokens += reply.generations.reduce((sum, g) => sum + (g.tokens ?? estimateTokens(g.text)), 0);
    } else {
      outputTokens += reply.completionTokens;
    }
  }
  return {
    inputTokens,
    outputTokens,
    // As the servers reported them (OpenAI; vLLM with --enable-prompt-tokens-details; SGLang with
    // --enable-cache-report; llama.cpp), 0 where they reported none.
    cachedInputTokens,
    // One Propose is one call, however many HTTP requests it took: the handler prices calls, not requests.
    calls: 1,
    // The handler prices the response from its table.
    costUsd: 0,
    model: replies.find((r) => r.model)?.model ?? model,
    estimated,
  };
}
