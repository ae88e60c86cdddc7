// Reads the choices of a completions or chat reply into one shape: the generated text, its logprob and token
// count where the server sent them, and why generation stopped.
import { cachedPromptTokens, type ChatCompletionsReply, type CompletionsReply } from '@arbor/kit/model-http';
import { UnavailableError } from '@arbor/kit/errors';

export interface Generation {
  /** As generated, untrimmed. */
  text: string;
  /** Sum of the token logprobs; 0 when the server sent none. */
  logprob: number;
  /** How many tokens the logprobs cover; undefined when the server sent none. */
  tokens: number | undefined;
  /** 'stop', 'length', ...; undefined when the server did not say. */
  finishReason: string | undefined;
  /**
   * vLLM's stop_reason: the stop string that fired, a stop token id, or null at end of sequence; or SGLang's
   * matched_stop: the stop string, or the token id that ended the text (the EOS token's included). Undefined when
   * neither was sent (OpenAI, Ollama, llama.cpp), which cannot tell a stop string from the end of sequence.
   */
  stopReason: string | number | null | undefined;
  /** The text token by token with each token's logprob, when the server sent logprobs: to cut the text here. */
  pieces?: readonly { text: string; logprob: number | null }[];
}

/**
 * vLLM's stop_reason as it is; SGLang's matched_stop read the same way. SGLang sends null only where no stop
 * matched (length, abort), so its null is unknown rather than vLLM's "end of sequence".
 */
function stopReasonOf(choice: { stop_reason?: string | number | null | undefined; matched_stop?: string | number | null | undefined }) {
  if (choice.stop_reason !== undefined) return choice.stop_reason;
  return choice.matched_stop ?? undefined;
}

export interface ReplyGenerations {
  generations: Generation[];
  model: string | undefined;
  /** From the server; undefined when it sent none (or no completion count). */
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Of promptTokens, those the server served from its prefix cache; undefined when it reported none. */
  cachedPromptTokens: number | undefined;
}

export function completionsGenerations(reply: CompletionsReply, label: string): ReplyGenerations {
  const generations = reply.choices.map((choice, i) => {
    const logprobs = choice.logprobs?.token_logprobs;
    const tokens = choice.logprobs?.tokens;
    return {
      text: choice.text,
      ...sumLogprobs(logprobs ?? undefined, `${label} returned a malformed reply: choices.${i}.logprobs.token_logprobs`),
      finishReason: choice.finish_reason ?? undefined,
      stopReason: stopReasonOf(choice),
      ...(logprobs && tokens && tokens.length === logprobs.length && { pieces: tokens.map((text, t) => ({ text, logprob: logprobs[t] ?? null })) }),
    };
  });
  return { generations, ...usageOf(reply), model: reply.model };
}

export function chatGenerations(reply: ChatCompletionsReply, label: string): ReplyGenerations {
  const generations = reply.choices.map((choice, i) => {
    const content = choice.logprobs?.content;
    return {
      // A null content (a refusal or a tool call) carries no step; it is dropped like an empty one.
      text: choice.message.content ?? '',
      ...sumLogprobs(content?.map((t) => t.logprob), `${label} returned a malformed reply: choices.${i}.logprobs.content`),
      finishReason: choice.finish_reason ?? undefined,
      stopReason: stopReasonOf(choice),
      ...(content && { pieces: content.map((t) => ({ text: t.token, logprob: t.logprob })) }),
    };
  });
  return { generations, ...usageOf(reply), model: reply.model };
}

/**
 * The generation cut at the first of `stops` (stop strings the server was not sent: over its limit, or refused by
 * a reasoning model), as a server would have stopped it: the text before the stop, finish 'stop', stop_reason the
 * string. The logprob covers the tokens that make up the kept text (the one that straddles the cut included); with
 * no per-token logprobs it stays as it was. The token count is cleared, so the step's is estimated from its text.
 */
export function cutAtStops(generation: Generation, stops: readonly string[]): Generation {
  let at = -1;
  let stop: string | undefined;
  for (const s of stops) {
    const i = s === '' ? -1 : generation.text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) [at, stop] = [i, s];
  }
  if (at < 0 || stop === undefined) return generation;
  const text = generation.text.slice(0, at);
  let logprob = generation.logprob;
  if (generation.pieces) {
    logprob = 0;
    let covered = 0;
    for (const piece of generation.pieces) {
      if (covered >= text.length) break;
      covered += piece.text.length;
      logprob += Math.min(piece.logprob ?? 0, 0);
    }
  }
  return { text, logprob, tokens: undefined, finishReason: 'stop', stopReason: stop };
}

const ROUNDING = 1e-4;

/** A step's logprob is the sum over its tokens; tokens the server could not score (null) count as tokens only. */
function sumLogprobs(logprobs: readonly (number | null)[] | undefined, field: string): { logprob: number; tokens: number | undefined } {
  if (logprobs === undefined || logprobs === null) return { logprob: 0, tokens: undefined };
  let sum = 0;
  for (const lp of logprobs) {
    if (lp === null) continue;
    // A clearly positive log-probability is not one: the server is broken, and the search would trust the number.
    // Rounding may leave a certain token a hair above 0, which counts as 0.
    if (!(lp <= ROUNDING)) throw new UnavailableError(`${field}: ${lp} is not a log-probability`);
    sum += Math.min(lp, 0);
  }
  return { logprob: sum, tokens: logprobs.length };
}

function usageOf(reply: CompletionsReply | ChatCompletionsReply): Pick<ReplyGenerations, 'promptTokens' | 'completionTokens' | 'cachedPromptTokens'> {
  const usage = reply.usage ?? undefined;
  return { promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens, cachedPromptTokens: cachedPromptTokens(reply) };
}
