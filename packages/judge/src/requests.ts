// The judge's requests to an OpenAI-compatible server and the top logprobs read back from the replies: one
// token, greedy, with the top alternatives the server allows (server-kind.ts), which is all that P(yes) needs.
import { cachedPromptTokens, completionsReplySchema, type ChatCompletionsReply, type CompletionsReply } from '@arbor/kit/model-http';
import { z } from '@arbor/kit';
import { FailedPreconditionError, UnavailableError } from '@arbor/kit/errors';
import type { JudgeDialect } from './server-kind.js';
import type { TopLogprob } from './yes-probability.js';

export const JUDGE_APIS = ['completions', 'chat'] as const;
export type JudgeApi = (typeof JUDGE_APIS)[number];

/** vLLM's default cap on logprobs per token (--max-logprobs); plenty to find both verdicts. */
export const TOP_LOGPROBS = 20;

/** Completions see raw text, so the prompt ends where the verdict token starts. */
export function completionsPromptText(prompt: string): string {
  return `${prompt}\nAnswer:`;
}

/**
 * One request for a list of prompts (a chunk of a batch): servers batch a prompt list on their side. A dialect
 * with string prompts (Ollama) gets chunks of one, sent as a string.
 */
export function completionsJudgeBody(model: string, texts: readonly string[], dialect: Pick<JudgeDialect, 'stringPrompt' | 'completionsLogprobs'>) {
  const prompt = dialect.stringPrompt && texts.length === 1 ? (texts[0] as string) : [...texts];
  return { model, prompt, max_tokens: 1, logprobs: dialect.completionsLogprobs, temperature: 0 };
}

/** Chat takes one conversation per request. */
export function chatJudgeBody(model: string, prompt: string, dialect: Pick<JudgeDialect, 'chatTopLogprobs' | 'thinkingOff'>) {
  return {
    model,
    messages: [{ role: 'user', content: prompt }],
    max_tokens: 1,
    logprobs: true,
    top_logprobs: dialect.chatTopLogprobs,
    temperature: 0,
    // A thinking model (Qwen3, R1 distills) would spend its one token on "<think>": no verdict, every time.
    ...(dialect.thinkingOff && { chat_template_kwargs: { enable_thinking: false } }),
  };
}

/**
 * A /completions reply, or what older llama.cpp builds send for a list of prompts: a top-level array of replies,
 * one per prompt, in prompt order, each holding one choice.
 */
export const judgeCompletionsReplySchema = z.union([completionsReplySchema, z.array(completionsReplySchema)]);

/** One reply in the usual shape: an array of replies becomes one reply whose choice k answers prompt k. */
export function mergedCompletions(reply: z.infer<typeof judgeCompletionsReplySchema>, label: string): CompletionsReply {
  if (!Array.isArray(reply)) return reply;
  const choices = reply.map((part, k) => {
    if (part.choices.length !== 1) throw new UnavailableError(`${label} returned a list of replies whose entry ${k} holds ${part.choices.length} choices, not 1`);
    return { ...(part.choices[0] as CompletionsReply['choices'][number]), index: k };
  });
  const counted = reply.every((part) => part.usage);
  // Cached tokens each part reported (in its usage, or llama.cpp's timings), summed; none reported is none.
  const cached = reply.map((part) => cachedPromptTokens(part));
  const usage = counted
    ? {
        prompt_tokens: reply.reduce((sum, part) => sum + (part.usage?.prompt_tokens ?? 0), 0),
        completion_tokens: reply.reduce((sum, part) => sum + (part.usage?.completion_tokens ?? 1), 0),
        ...(cached.some((c) => c !== undefined) && { prompt_tokens_details: { cached_tokens: cached.reduce((sum: number, c) => sum + (c ?? 0), 0) } }),
      }
    : undefined;
  return { model: reply.find((part) => part.model)?.model, choices, ...(usage && { usage }) };
}

function noLogprobs(label: string): FailedPreconditionError {
  // Without logprobs there is no probability to read, only a hard verdict; better to say the server is wrong.
  return new FailedPreconditionError(`${label} sent no logprobs; the judge needs a server that returns top logprobs`);
}

/**
 * The top logprobs of the first generated token of each prompt, in prompt order. With a prompt list and one
 * completion per prompt, a choice's `index` is its prompt's position.
 */
export function completionsTops(reply: CompletionsReply, prompts: number, label: string): TopLogprob[][] {
  const tops: (TopLogprob[] | undefined)[] = new Array(prompts).fill(undefined);
  for (const choice of reply.choices) {
    if (!Number.isInteger(choice.index) || choice.index < 0 || choice.index >= prompts || tops[choice.index] !== undefined) {
      throw new UnavailableError(`${label} returned a choice with index ${choice.index} for ${prompts} prompts`);
    }
    const logprobs = choice.logprobs;
    if (!logprobs || logprobs.top_logprobs === null || logprobs.top_logprobs === undefined) throw noLogprobs(label);
    const listed = logprobs.top_logprobs[0] ?? {};
    const top = Object.entries(listed).map(([token, logprob]) => ({ token, logprob }));
    const sampled = logprobs.tokens?.[0];
    const sampledLogprob = logprobs.token_logprobs?.[0];
    // Some servers leave the sampled token out of its own top list; it is evidence too.
    if (sampled !== undefined && typeof sampledLogprob === 'number' && !Object.hasOwn(listed, sampled)) {
      top.push({ token: sampled, logprob: sampledLogprob });
    }
    tops[choice.index] = top;
  }
  const missing = tops.filter((t) => t === undefined).length;
  if (missing > 0) throw new UnavailableError(`${label} returned ${prompts - missing} choices for ${prompts} prompts`);
  return tops as TopLogprob[][];
}

/** The top logprobs of the first generated token of a chat reply. */
export function chatTop(reply: ChatCompletionsReply, label: string): TopLogprob[] {
  const choice = reply.choices[0];
  if (!choice) throw new UnavailableError(`${label} returned no choices`);
  const content = choice.logprobs?.content;
  if (content === null || content === undefined) throw noLogprobs(label);
  const first = content[0];
  if (!first) return [];
  // Some servers leave the sampled token out of its own top list; it is evidence too.
  const top = first.top_logprobs ?? [];
  return top.some((t) => t.token === first.token) ? top : [...top, { token: first.token, logprob: first.logprob }];
}
