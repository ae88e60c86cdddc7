// The replies of OpenAI-compatible servers (vLLM, SGLang, llama.cpp, Ollama, OpenAI) that Arbor reads:
// strict on the fields we use, lenient on the rest (unknown fields are dropped, not refused), since each
// server adds its own.
import { z } from 'zod';

/**
 * A token count: a negative or fractional one is a broken server (or proxy), and summed into a Usage it would
 * lower what a call is charged and what the budget sees spent.
 */
const tokenCount = z.number().int().nonnegative();

const usage = z
  .object({
    prompt_tokens: tokenCount,
    completion_tokens: tokenCount.optional(),
    total_tokens: tokenCount.optional(),
  })
  .nullable()
  .optional();

/** Why generation stopped: "stop", "length", ...; null while unknown. */
const finishReason = z.string().nullable().optional();
/** vLLM: the stop string or token id that ended the text, null at EOS or length. */
const stopReason = z.union([z.string(), z.number()]).nullable().optional();
/**
 * SGLang's counterpart of stop_reason (sglang/srt/entrypoints/openai/protocol.py): the token id that ended the
 * text (the EOS token included), the stop string that did, or null (length, abort).
 */
const matchedStop = z.union([z.string(), z.number()]).nullable().optional();

/** The classic (OpenAI legacy, vLLM, SGLang) logprobs of a /completions choice: parallel arrays per token. */
const classicLogprobs = z.object({
  tokens: z.array(z.string()).optional(),
  // null for a token the server could not score (the first prompt token when echoing).
  token_logprobs: z.array(z.number().nullable()).optional(),
  top_logprobs: z.array(z.record(z.string(), z.number()).nullable()).nullable().optional(),
  text_offset: z.array(z.number()).optional(),
});

const tokenLogprob = z.object({ token: z.string(), logprob: z.number() });

/** One entry per token, with its alternatives: chat's logprobs shape, which some servers use for /completions too. */
const contentLogprobs = z.object({ content: z.array(tokenLogprob.extend({ top_logprobs: z.array(tokenLogprob).nullable().optional() })) });

/**
 * llama.cpp answers /v1/completions with the chat shape ({content: [{token, logprob, top_logprobs}]}); it is
 * read into the classic one here, so every consumer reads one shape. A token's top list missing is null at its
 * position; none at all is no top_logprobs, as a classic server that was not asked for them.
 */
function classicFromContent({ content }: z.infer<typeof contentLogprobs>): z.infer<typeof classicLogprobs> {
  const anyTop = content.some((t) => t.top_logprobs);
  return {
    tokens: content.map((t) => t.token),
    token_logprobs: content.map((t) => t.logprob),
    ...(anyTop && {
      top_logprobs: content.map((t) => {
        if (!t.top_logprobs) return null;
        // Two byte-level tokens may decode to one string; the likelier keeps the key. (A Map, then own
        // properties: a token may be "__proto__" or "constructor".)
        const top = new Map<string, number>();
        for (const alt of t.top_logprobs) top.set(alt.token, Math.max(alt.logprob, top.get(alt.token) ?? -Infinity));
        return Object.fromEntries(top);
      }),
    }),
  };
}

// The classic form refuses a `content` list, or a malformed one would pass as an empty object (all its fields
// are optional) and the logprobs would silently go missing. A null content is no logprobs, in either shape.
const completionLogprobs = z.union([
  contentLogprobs.transform(classicFromContent),
  classicLogprobs.extend({ content: z.null().optional() }).transform(({ content: _, ...classic }) => classic),
]);

/** POST /completions. */
export const completionsReplySchema = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.object({
      index: z.number(),
      text: z.string(),
      logprobs: completionLogprobs.nullable().optional(),
      finish_reason: finishReason,
      stop_reason: stopReason,
      matched_stop: matchedStop,
    }),
  ),
  usage,
});

/** POST /chat/completions. */
export const chatCompletionsReplySchema = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  choices: z.array(
    z.object({
      index: z.number(),
      message: z.object({ role: z.string().optional(), content: z.string().nullable() }),
      logprobs: z
        .object({ content: z.array(tokenLogprob.extend({ top_logprobs: z.array(tokenLogprob).optional() })).nullable() })
        .nullable()
        .optional(),
      finish_reason: finishReason,
      stop_reason: stopReason,
      matched_stop: matchedStop,
    }),
  ),
  usage,
});

/**
 * vLLM's POST /pooling (at the server root, not under /v1): one entry per input; `data` is a vector, or
 * one vector per token for token-level poolers such as process reward models.
 */
export const poolingReplySchema = z.object({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  data: z.array(
    z.object({
      index: z.number(),
      object: z.string().optional(),
      data: z.union([z.array(z.array(z.number())), z.array(z.number())]),
    }),
  ),
  usage,
});

export type CompletionsReply = z.infer<typeof completionsReplySchema>;
export type ChatCompletionsReply = z.infer<typeof chatCompletionsReplySchema>;
export type PoolingReply = z.infer<typeof poolingReplySchema>;
