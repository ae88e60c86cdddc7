// The replies of OpenAI-compatible servers (vLLM, SGLang, llama.cpp, Ollama, OpenAI) that Arbor reads:
// strict on the fields we use, lenient on the rest (unknown fields are dropped, not refused), since each
// server adds its own.
import { z } from 'zod';

/**
 * A token count: a negative or fractional one is a broken server (or proxy), and summed into a Usage it would
 * lower what a call is charged and what the budget sees spent.
 */
const tokenCount = z.number().int().nonnegative();

/**
 * A count that only informs (cached prompt tokens): one a server got wrong is read as not reported, rather than
 * failing a reply whose results and token counts are fine.
 */
const informativeCount = tokenCount.nullable().optional().catch(undefined);

const usage = z
  .object({
    prompt_tokens: tokenCount,
    completion_tokens: tokenCount.optional(),
    total_tokens: tokenCount.optional(),
    /**
     * Of prompt_tokens, those served from the server's prefix cache: OpenAI, vLLM with
     * --enable-prompt-tokens-details (else null), SGLang with --enable-cache-report (left out when 0), llama.cpp's
     * /v1 routes in newer builds. Each server's own name for the same count, so read as one here.
     */
    prompt_tokens_details: z.object({ cached_tokens: informativeCount }).nullable().optional().catch(undefined),
  })
  .nullable()
  .optional();

/**
 * llama.cpp's `timings` on /v1/completions and /v1/chat/completions (tools/server/README.md, "Timings and context
 * usage"): cache_n is the number of prompt tokens reused from its cache. Builds older than
 * usage.prompt_tokens_details report cached tokens only here.
 */
const llamaCppTimings = z.object({ cache_n: informativeCount }).nullable().optional().catch(undefined);

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
  timings: llamaCppTimings,
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
  timings: llamaCppTimings,
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

/** What a reply says of its usage, in any of the reply shapes above. */
type ReplyUsage = { usage?: z.infer<typeof usage>; timings?: z.infer<typeof llamaCppTimings> };

/**
 * The prompt tokens a reply says its server served from its prefix cache: usage.prompt_tokens_details.cached_tokens
 * (OpenAI, vLLM, SGLang, newer llama.cpp), else llama.cpp's timings.cache_n. At most usage.prompt_tokens, since they
 * are part of it. Undefined when the reply reports none, or reports no usage to count them in.
 */
export function cachedPromptTokens(reply: ReplyUsage): number | undefined {
  const usage = reply.usage;
  if (!usage) return undefined;
  const cached = usage.prompt_tokens_details?.cached_tokens ?? reply.timings?.cache_n ?? undefined;
  return cached === undefined ? undefined : Math.min(cached, usage.prompt_tokens);
}
