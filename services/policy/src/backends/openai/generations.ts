// Reads the choices of a completions or chat reply into one shape: the generated text, its logprob and token
// count where the server sent them, and why generation stopped.
import type { ChatCompletionsReply, CompletionsReply } from '@arbor/kit/model-http';
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
   * vLLM's stop_reason: the stop string that fired, a stop token id, or null at end of sequence. Undefined when
   * the field was absent (OpenAI, Ollama, llama.cpp), which cannot tell a stop string from the end of sequence.
   */
  stopReason: string | number | null | undefined;
}

export interface ReplyGenerations {
  generations: Generation[];
  model: string | undefined;
  /** From the server; undefined when it sent none (or no completion count). */
  promptTokens: number | undefined;
  completionTokens: number | undefined;
}

export function completionsGenerations(reply: CompletionsReply, label: string): ReplyGenerations {
  const generations = reply.choices.map((choice, i) => {
    const logprobs = choice.logprobs?.token_logprobs;
    return {
      text: choice.text,
      ...sumLogprobs(logprobs ?? undefined, `${label} returned a malformed reply: choices.${i}.logprobs.token_logprobs`),
      finishReason: choice.finish_reason ?? undefined,
      stopReason: choice.stop_reason,
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
      stopReason: choice.stop_reason,
    };
  });
  return { generations, ...usageOf(reply), model: reply.model };
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

function usageOf(reply: CompletionsReply | ChatCompletionsReply): Pick<ReplyGenerations, 'promptTokens' | 'completionTokens'> {
  const usage = reply.usage ?? undefined;
  return { promptTokens: usage?.prompt_tokens, completionTokens: usage?.completion_tokens };
}
