// A SearchResult as OpenAI's chat.completion (or its chunks), with an `arbor` object of the search's own figures.
import type { RankedAnswer__Output, SearchResult__Output, Step__Output } from '@arbor/contracts';

export type FinishReason = 'stop' | 'length';

export interface Choice {
  index: number;
  message: { role: 'assistant'; content: string; refusal: null };
  logprobs: null;
  finish_reason: FinishReason;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
}

export interface ArborFigures {
  search_id: string;
  trace_id: string;
  stop_reason: string;
  expansions: number;
  nodes: number;
  cost_usd: number;
  score: number;
  answer: string;
  solved: boolean;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Choice[];
  usage: Usage;
  arbor: ArborFigures;
}

/** A message's text: its steps, one a line, then its answer (when not already the last step). */
interface Message {
  content: string;
  finishReason: FinishReason;
}

/**
 * The trajectory's steps then its answer, cut to `maxTokens` when given. Tokens are the policy's own counts per
 * step (the gateway has no tokenizer); a step that does not fit whole is cut in proportion to its characters.
 */
export function messageOf(steps: readonly Step__Output[], answer: string, maxTokens?: number): Message {
  const parts = steps.map((s) => ({ text: s.text.trim(), tokens: s.tokens })).filter((s) => s.text !== '');
  const final = answer.trim();
  if (final !== '' && parts.at(-1)?.text !== final) parts.push({ text: final, tokens: Math.max(1, Math.ceil(final.length / 4)) });
  const finishReason: FinishReason = final !== '' ? 'stop' : 'length';
  if (maxTokens === undefined) return { content: parts.map((p) => p.text).join('\n'), finishReason };
  const kept: string[] = [];
  let left = maxTokens;
  for (const part of parts) {
    const tokens = Math.max(1, part.tokens);
    if (tokens <= left) {
      kept.push(part.text);
      left -= tokens;
      continue;
    }
    const chars = Math.floor((part.text.length * left) / tokens);
    if (chars > 0) kept.push(part.text.slice(0, chars));
    return { content: kept.join('\n'), finishReason: 'length' };
  }
  return { content: kept.join('\n'), finishReason };
}

/** Up to n choices: the ranked answers when the search returned them, else its one chosen trajectory. */
export function choicesOf(result: SearchResult__Output, maxTokens?: number): Choice[] {
  const ranked: Array<Pick<RankedAnswer__Output, 'answer' | 'trajectory'>> =
    result.answers.length > 0 ? result.answers : [{ answer: result.answer, trajectory: result.best }];
  return ranked.map((candidate, index) => {
    const { content, finishReason } = messageOf(candidate.trajectory?.steps ?? [], candidate.answer, maxTokens);
    return { index, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason };
  });
}

/** The whole tree's tokens: every call of every model service, not only the chosen message's. */
export function usageOf(result: SearchResult__Output): Usage {
  const prompt = result.stats?.inputTokens ?? 0;
  const completion = result.stats?.outputTokens ?? 0;
  const cached = result.stats?.cachedInputTokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached > 0 && { prompt_tokens_details: { cached_tokens: cached } }),
  };
}

export function arborFiguresOf(result: SearchResult__Output): ArborFigures {
  return {
    search_id: result.searchId,
    trace_id: result.traceId,
    stop_reason: String(result.stopReason).replace(/^STOP_REASON_/, '').toLowerCase(),
    expansions: result.stats?.expansions ?? 0,
    nodes: result.stats?.nodes ?? 0,
    cost_usd: result.stats?.costUsd ?? 0,
    score: result.score,
    answer: result.answer,
    solved: result.solved,
  };
}

export function completionId(result: SearchResult__Output): string {
  return `chatcmpl-${result.searchId}`;
}

export function toChatCompletion(model: string, result: SearchResult__Output, maxTokens?: number, now: number = Date.now()): ChatCompletion {
  return {
    id: completionId(result),
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model,
    choices: choicesOf(result, maxTokens),
    usage: usageOf(result),
    arbor: arborFiguresOf(result),
  };
}
