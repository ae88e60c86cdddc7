// An LLM judge: asks a batch of yes/no prompts of an OpenAI-compatible server and reads P(yes) for each from
// the top logprobs of its one-token answer. Completions take up to 64 prompts per request, a few requests at a
// time; chat takes one request per prompt, a few at a time.
import { estimateTokens } from '@arbor/tasks';
import { chatCompletionsReplySchema, completionsReplySchema, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import { runLimited } from './pool.js';
import { chatJudgeBody, chatTop, completionsJudgeBody, completionsPromptText, completionsTops, type JudgeApi } from './requests.js';
import { yesVerdict, type TopLogprob } from './yes-probability.js';

/** Chat requests in flight at once per batch: enough to fill a server's batch, few enough not to flood it. */
export const DEFAULT_CHAT_CONCURRENCY = 8;
/**
 * Most prompts in one /completions request. A reward batch asks one prompt per step of every trajectory, so 32
 * trajectories can make thousands: in one request they would share one timeout (and one 400 or one retry), and
 * some servers cap the prompt list. 64 keeps a request within what a server batches in a pass or two.
 */
export const COMPLETIONS_CHUNK_PROMPTS = 64;
/** /completions requests in flight at once per batch: the server batches each one itself, a few keep it busy. */
export const COMPLETIONS_CHUNK_CONCURRENCY = 4;

export interface JudgeOptions {
  http: ModelHttpClient;
  model: string;
  api: JudgeApi;
  /** Chat only: requests in flight at once for one batch of prompts. */
  chatConcurrency?: number;
}

export interface JudgeUsage {
  inputTokens: number;
  outputTokens: number;
  /** True when a reply had no usage and its tokens were estimated from the text. */
  estimated: boolean;
}

export interface JudgeResult {
  /** P(yes) per prompt, in prompt order. */
  probabilities: number[];
  usage: JudgeUsage;
  /** The model that answered, as the server named it (else the configured one). */
  model: string;
  /** Prompts whose top tokens held neither yes nor no (scored 0.5). */
  undecided: number;
}

export interface Judge {
  readonly model: string;
  readonly api: JudgeApi;
  /** Running totals since start, for logs and tests: prompts asked and how many got no verdict. */
  readonly stats: { prompts: number; undecided: number };
  ask(prompts: readonly string[], signal: AbortSignal): Promise<JudgeResult>;
}

interface Answered {
  tops: TopLogprob[][];
  usage: JudgeUsage;
  model: string;
}

export function createJudge(options: JudgeOptions): Judge {
  const { http, model, api } = options;
  // Origin and path only: a key in the base URL must not reach callers and logs.
  const label = serverLabel('judge model server', http.baseUrl);
  const concurrency = Math.max(1, options.chatConcurrency ?? DEFAULT_CHAT_CONCURRENCY);
  const stats = { prompts: 0, undecided: 0 };

  async function viaCompletions(prompts: readonly string[], signal: AbortSignal): Promise<Answered> {
    const tops: TopLogprob[][] = new Array(prompts.length);
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, estimated: false };
    let answeredBy = '';
    const chunks = Math.ceil(prompts.length / COMPLETIONS_CHUNK_PROMPTS);
    await runLimited(chunks, COMPLETIONS_CHUNK_CONCURRENCY, signal, async (c, chunkSignal) => {
      const from = c * COMPLETIONS_CHUNK_PROMPTS;
      const chunk = prompts.slice(from, from + COMPLETIONS_CHUNK_PROMPTS);
      const reply = await http.postJson('/completions', completionsJudgeBody(model, chunk), completionsReplySchema, chunkSignal);
      completionsTops(reply, chunk.length, label).forEach((top, j) => (tops[from + j] = top));
      answeredBy ||= reply.model ?? '';
      const counted = reply.usage && { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens ?? chunk.length, estimated: false };
      add(usage, counted || estimatedUsage(chunk.map(completionsPromptText)));
    });
    return { tops, usage, model: answeredBy || model };
  }

  async function viaChat(prompts: readonly string[], signal: AbortSignal): Promise<Answered> {
    const tops: TopLogprob[][] = new Array(prompts.length);
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, estimated: false };
    let answeredBy = '';
    await runLimited(prompts.length, concurrency, signal, async (i, batchSignal) => {
      const prompt = prompts[i] as string;
      const reply = await http.postJson('/chat/completions', chatJudgeBody(model, prompt), chatCompletionsReplySchema, batchSignal);
      tops[i] = chatTop(reply, label);
      answeredBy ||= reply.model ?? '';
      const counted = reply.usage && { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens ?? 1, estimated: false };
      add(usage, counted || estimatedUsage([prompt]));
    });
    return { tops, usage, model: answeredBy || model };
  }

  return {
    model,
    api,
    stats,
    async ask(prompts, signal) {
      if (prompts.length === 0) return { probabilities: [], usage: { inputTokens: 0, outputTokens: 0, estimated: false }, model, undecided: 0 };
      const answered = api === 'completions' ? await viaCompletions(prompts, signal) : await viaChat(prompts, signal);
      let undecided = 0;
      const probabilities = answered.tops.map((top) => {
        const verdict = yesVerdict(top);
        if (!verdict.decided) undecided++;
        return verdict.probability;
      });
      stats.prompts += prompts.length;
      stats.undecided += undecided;
      return { probabilities, usage: answered.usage, model: answered.model, undecided };
    },
  };
}

function add(total: JudgeUsage, part: JudgeUsage): void {
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
  total.estimated ||= part.estimated;
}

/** For a server that sent no usage: the prompts' estimated tokens, and the one verdict token of each. */
function estimatedUsage(texts: readonly string[]): JudgeUsage {
  return { inputTokens: texts.reduce((sum, t) => sum + estimateTokens(t), 0), outputTokens: texts.length, estimated: true };
}
