// An LLM judge: asks a batch of yes/no prompts of an OpenAI-compatible server and reads P(yes) for each from
// the top logprobs of its one-token answer. Completions take the whole batch in one request; chat takes one
// request per prompt, a few at a time.
import { setSignalDeadline, signalDeadline } from '@arbor/kit';
import { estimateTokens } from '@arbor/tasks';
import { chatCompletionsReplySchema, completionsReplySchema, type ModelHttpClient } from '@arbor/kit/model-http';
import { chatJudgeBody, chatTop, completionsJudgeBody, completionsPromptText, completionsTops, type JudgeApi } from './requests.js';
import { yesVerdict, type TopLogprob } from './yes-probability.js';

/** Chat requests in flight at once per batch: enough to fill a server's batch, few enough not to flood it. */
export const DEFAULT_CHAT_CONCURRENCY = 8;

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
  const label = `judge model server (${http.baseUrl})`;
  const concurrency = Math.max(1, options.chatConcurrency ?? DEFAULT_CHAT_CONCURRENCY);
  const stats = { prompts: 0, undecided: 0 };

  async function viaCompletions(prompts: readonly string[], signal: AbortSignal): Promise<Answered> {
    const reply = await http.postJson('/completions', completionsJudgeBody(model, prompts), completionsReplySchema, signal);
    const tops = completionsTops(reply, prompts.length, label);
    const usage = reply.usage
      ? { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens ?? prompts.length, estimated: false }
      : estimatedUsage(prompts.map(completionsPromptText));
    return { tops, usage, model: reply.model || model };
  }

  async function viaChat(prompts: readonly string[], signal: AbortSignal): Promise<Answered> {
    const tops: TopLogprob[][] = new Array(prompts.length);
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, estimated: false };
    let answeredBy = '';
    // The first failure stops the rest: the batch fails as a whole, so further requests would be wasted.
    const batch = new AbortController();
    // Keep the call's deadline visible to the HTTP client, which will not start a retry that cannot finish.
    const deadline = signalDeadline(signal);
    if (deadline !== undefined) setSignalDeadline(batch.signal, deadline);
    const stop = () => batch.abort(signal.reason);
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    let next = 0;
    const worker = async () => {
      while (next < prompts.length) {
        const i = next++;
        const prompt = prompts[i] as string;
        const reply = await http.postJson('/chat/completions', chatJudgeBody(model, prompt), chatCompletionsReplySchema, batch.signal);
        tops[i] = chatTop(reply, label);
        answeredBy ||= reply.model ?? '';
        if (reply.usage) {
          usage.inputTokens += reply.usage.prompt_tokens;
          usage.outputTokens += reply.usage.completion_tokens ?? 1;
        } else {
          const guess = estimatedUsage([prompt]);
          usage.inputTokens += guess.inputTokens;
          usage.outputTokens += guess.outputTokens;
          usage.estimated = true;
        }
      }
    };
    // Report the failure that stopped the batch, not the cancellations it caused in the other workers.
    let firstError: unknown;
    let failed = false;
    try {
      const workers = Array.from({ length: Math.min(concurrency, prompts.length) }, () =>
        worker().catch((err: unknown) => {
          if (!failed) {
            failed = true;
            firstError = err;
          }
          batch.abort(err);
        }),
      );
      await Promise.all(workers);
      if (failed) throw firstError;
    } finally {
      signal.removeEventListener('abort', stop);
    }
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

/** For a server that sent no usage: the prompts' estimated tokens, and the one verdict token of each. */
function estimatedUsage(texts: readonly string[]): JudgeUsage {
  return { inputTokens: texts.reduce((sum, t) => sum + estimateTokens(t), 0), outputTokens: texts.length, estimated: true };
}
