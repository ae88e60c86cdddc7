// A SearchResult as OpenAI's chat.completion, with an `arbor` object of the search's own figures.
import type { SearchResult__Output } from '@arbor/contracts';

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: 'assistant'; content: string; refusal: null };
    logprobs: null;
    finish_reason: 'stop' | 'length';
  }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  arbor: { search_id: string; trace_id: string; stop_reason: string; expansions: number; cost_usd: number; score: number; answer: string; solved: boolean };
}

/** The steps of the chosen trajectory, one a line, then the answer (when not already the last step). */
export function contentOf(result: SearchResult__Output): string {
  const steps = (result.best?.steps ?? []).map((s) => s.text.trim()).filter((s) => s !== '');
  const answer = result.answer.trim();
  if (answer !== '' && steps.at(-1) !== answer) steps.push(answer);
  return steps.join('\n');
}

export function toChatCompletion(model: string, result: SearchResult__Output, now: number = Date.now()): ChatCompletion {
  const stats = result.stats;
  const prompt = stats?.inputTokens ?? 0;
  const completion = stats?.outputTokens ?? 0;
  return {
    id: `chatcmpl-${result.searchId}`,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: contentOf(result), refusal: null },
        logprobs: null,
        finish_reason: result.answer.trim() !== '' ? 'stop' : 'length',
      },
    ],
    usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    arbor: {
      search_id: result.searchId,
      trace_id: result.traceId,
      stop_reason: String(result.stopReason).replace(/^STOP_REASON_/, '').toLowerCase(),
      expansions: stats?.expansions ?? 0,
      cost_usd: stats?.costUsd ?? 0,
      score: result.score,
      answer: result.answer,
      solved: result.solved,
    },
  };
}
