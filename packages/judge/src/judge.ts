// An LLM judge: asks a batch of yes/no prompts of an OpenAI-compatible server and reads P(yes) for each from
// the top logprobs of its one-token answer. Completions take up to 64 prompts per request, a few requests at a
// time (one string prompt per request where the server takes no list); chat takes one request per prompt, a few
// at a time. What the requests look like depends on the server (server-kind.ts), told by a setting or asked of
// the server once, before the first judgment.
import { arborInstruments, ATTR, createLogger, untilAborted, type Logger } from '@arbor/kit';
import { estimateTokens } from '@arbor/tasks';
import { cachedPromptTokens, chatCompletionsReplySchema, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import { runLimited } from './pool.js';
import {
  chatJudgeBody,
  chatTop,
  completionsJudgeBody,
  completionsPromptText,
  completionsTops,
  judgeCompletionsReplySchema,
  mergedCompletions,
  type JudgeApi,
} from './requests.js';
import { judgeDialect, judgeServerDetector, type JudgeDialect, type JudgeServer, type JudgeServerSetting, type ServerDetector } from './server-kind.js';
import { verdictOf, yesVerdict, type TopLogprob, type VerdictOf } from './yes-probability.js';

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
/** The shortest time between two warnings about undecided judgments (each sums what came since the last). */
export const UNDECIDED_WARNING_PERIOD_MS = 60_000;

/** What a judge asks and how it reads the answer: the yes/no question by default. */
export interface VerdictFormat {
  /** The raw text a /completions request sends for a prompt; chat sends the prompt itself. */
  completionsText(prompt: string): string;
  /** Which side a top token is on. */
  verdictOf: VerdictOf;
  /** Chat cannot ask it (a reward model read as a language model): the judge always uses completions. */
  completionsOnly?: boolean;
}

export const YES_NO_FORMAT: VerdictFormat = { completionsText: completionsPromptText, verdictOf };

/** A counter of undecided judgments (the kit's arbor.judge.undecided unless a test passes its own). */
export interface UndecidedCounter {
  add(value: number, attributes: Record<string, string>): void;
}

export interface JudgeOptions {
  http: ModelHttpClient;
  model: string;
  /** Unset: the server's default (chat for OpenAI, completions elsewhere). */
  api?: JudgeApi | undefined;
  /** The server's kind, or `auto` to ask it. Default `vllm` (the request Arbor was written against). */
  server?: JudgeServerSetting;
  /** How `auto` asks the server; default GET requests to http.baseUrl without a key. */
  detect?: ServerDetector;
  /** The setting that names the server's kind, for log lines and errors, e.g. ARBOR_VALUE_SERVER. */
  serverSetting?: string;
  /** Chat only: requests in flight at once for one batch of prompts. */
  chatConcurrency?: number;
  format?: VerdictFormat;
  /** Which service judges, on the metric and in log lines. */
  service?: string;
  /** Where warnings go; can be set later with useLogger (a service has its logger only once it serves). */
  logger?: Logger;
  undecidedCounter?: UndecidedCounter;
  /** Clock for the warning period (tests). */
  now?: () => number;
}

export interface JudgeUsage {
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those the server reported as served from its prefix cache (0 where it reported none). */
  cachedInputTokens: number;
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

/** How the judge talks to its server, once known. */
export interface JudgeSetup {
  dialect: JudgeDialect;
  api: JudgeApi;
}

export interface Judge {
  readonly model: string;
  /** Running totals since start, for logs and tests: prompts asked and how many got no verdict. */
  readonly stats: { prompts: number; undecided: number };
  /** Tells the server's kind (asking it, for `auto`) and logs the choice; done once, before the first judgment. */
  setup(signal: AbortSignal): Promise<JudgeSetup>;
  useLogger(logger: Logger): void;
  ask(prompts: readonly string[], signal: AbortSignal): Promise<JudgeResult>;
}

interface Answered {
  tops: TopLogprob[][];
  usage: JudgeUsage;
  model: string;
}

export function createJudge(options: JudgeOptions): Judge {
  const { http, model } = options;
  // Origin and path only: a key in the base URL must not reach callers and logs.
  const label = serverLabel('judge model server', http.baseUrl);
  const concurrency = Math.max(1, options.chatConcurrency ?? DEFAULT_CHAT_CONCURRENCY);
  const format = options.format ?? YES_NO_FORMAT;
  const serverSetting = options.serverSetting ?? 'the server kind setting';
  const stats = { prompts: 0, undecided: 0 };
  const now = options.now ?? (() => Date.now());
  let logger = options.logger;
  // Unserved (in process, as `arbor solve` runs it): warnings only by default, as the CLI's own logger does.
  const log = (): Logger => (logger ??= createLogger(options.service ?? 'judge', { level: process.env.LOG_LEVEL ?? 'warn' }));
  const detect = options.detect ?? judgeServerDetector({ baseUrl: http.baseUrl, timeoutMs: 10_000, label });

  let setup: JudgeSetup | undefined;
  let settingUp: Promise<JudgeSetup> | undefined;

  function settle(server: JudgeServer, how: string): JudgeSetup {
    const dialect = judgeDialect(server);
    const api = format.completionsOnly ? 'completions' : (options.api ?? dialect.defaultApi);
    const fields = { server, api, model, promptsPerRequest: dialect.stringPrompt ? 1 : COMPLETIONS_CHUNK_PROMPTS, topLogprobs: api === 'chat' ? dialect.chatTopLogprobs : dialect.completionsLogprobs, how };
    if (server === 'other') {
      log().warn(
        { ...fields, setting: serverSetting },
        `judge server not recognised: asking one prompt per request with ${fields.topLogprobs} top logprobs, which every OpenAI-compatible server takes; set ${serverSetting} to batch prompts on vLLM, SGLang or llama.cpp`,
      );
    } else {
      log().info(fields, 'judge server');
    }
    return { dialect, api };
  }

  function setUp(signal: AbortSignal): Promise<JudgeSetup> {
    if (setup) return Promise.resolve(setup);
    const server = options.server ?? 'vllm';
    if (server !== 'auto') {
      setup = settle(server, `${serverSetting}=${server}`);
      return Promise.resolve(setup);
    }
    // One detection for every caller, on a signal of its own: the first caller cancelling must not fail the
    // others waiting on it. Each caller still stops waiting when its own signal aborts.
    settingUp ??= detect(AbortSignal.timeout(DETECTION_TIMEOUT_MS)).then(
      (found) => (setup = settle(found.server, found.how)),
      (err: unknown) => {
        // Unreachable: ask again with the next batch rather than guess.
        settingUp = undefined;
        throw err;
      },
    );
    return untilAborted(settingUp, signal, 'judge setup cancelled');
  }

  async function viaCompletions(prompts: readonly string[], dialect: JudgeDialect, signal: AbortSignal): Promise<Answered> {
    const tops: TopLogprob[][] = new Array(prompts.length);
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false };
    let answeredBy = '';
    const per = dialect.stringPrompt ? 1 : COMPLETIONS_CHUNK_PROMPTS;
    const chunks = Math.ceil(prompts.length / per);
    // One prompt per request is as many requests as chat sends, and as many at a time.
    const inFlight = per === 1 ? concurrency : COMPLETIONS_CHUNK_CONCURRENCY;
    await runLimited(chunks, inFlight, signal, async (c, chunkSignal) => {
      const from = c * per;
      const texts = prompts.slice(from, from + per).map((p) => format.completionsText(p));
      const raw = await http.postJson('/completions', completionsJudgeBody(model, texts, dialect), judgeCompletionsReplySchema, chunkSignal);
      const reply = mergedCompletions(raw, label);
      completionsTops(reply, texts.length, label).forEach((top, j) => (tops[from + j] = top));
      answeredBy ||= reply.model ?? '';
      const counted = reply.usage && { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens ?? texts.length, cachedInputTokens: cachedPromptTokens(reply) ?? 0, estimated: false };
      add(usage, counted || estimatedUsage(texts));
    });
    return { tops, usage, model: answeredBy || model };
  }

  async function viaChat(prompts: readonly string[], dialect: JudgeDialect, signal: AbortSignal): Promise<Answered> {
    const tops: TopLogprob[][] = new Array(prompts.length);
    const usage: JudgeUsage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false };
    let answeredBy = '';
    await runLimited(prompts.length, concurrency, signal, async (i, batchSignal) => {
      const prompt = prompts[i] as string;
      const reply = await http.postJson('/chat/completions', chatJudgeBody(model, prompt, dialect), chatCompletionsReplySchema, batchSignal);
      tops[i] = chatTop(reply, label);
      answeredBy ||= reply.model ?? '';
      const counted = reply.usage && { inputTokens: reply.usage.prompt_tokens, outputTokens: reply.usage.completion_tokens ?? 1, cachedInputTokens: cachedPromptTokens(reply) ?? 0, estimated: false };
      add(usage, counted || estimatedUsage([prompt]));
    });
    return { tops, usage, model: answeredBy || model };
  }

  // Undecided judgments since the last warning; the first one warns at once.
  let unwarned = { prompts: 0, undecided: 0 };
  let lastWarning = Number.NEGATIVE_INFINITY;

  function noteUndecided(prompts: number, undecided: number, api: JudgeApi, server: JudgeServer): void {
    unwarned = { prompts: unwarned.prompts + prompts, undecided: unwarned.undecided + undecided };
    if (undecided === 0) return;
    const counter = options.undecidedCounter ?? arborInstruments().judgeUndecided;
    counter.add(undecided, { [ATTR.service]: options.service ?? 'judge', [ATTR.genAiRequestModel]: model });
    const at = now();
    if (at - lastWarning < UNDECIDED_WARNING_PERIOD_MS) return;
    lastWarning = at;
    // Counts only: a judge's prompt holds the problem and the steps, which never go into a log.
    log().warn(
      { ...unwarned, model, api, server },
      'judge answered neither verdict (yes or no; + or - for a PRM) for some prompts, each scored 0.5; a thinking model ' +
        '(Qwen3, R1 distills) starts with <think>: use a model without thinking, the completions API, or a server that takes chat_template_kwargs (vLLM, SGLang)',
    );
    unwarned = { prompts: 0, undecided: 0 };
  }

  return {
    model,
    stats,
    setup: setUp,
    useLogger(next) {
      logger = next;
    },
    async ask(prompts, signal) {
      if (prompts.length === 0) return { probabilities: [], usage: { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, estimated: false }, model, undecided: 0 };
      const { dialect, api } = await setUp(signal);
      const answered = api === 'completions' ? await viaCompletions(prompts, dialect, signal) : await viaChat(prompts, dialect, signal);
      let undecided = 0;
      const probabilities = answered.tops.map((top) => {
        const verdict = yesVerdict(top, format.verdictOf);
        if (!verdict.decided) undecided++;
        return verdict.probability;
      });
      stats.prompts += prompts.length;
      stats.undecided += undecided;
      noteUndecided(prompts.length, undecided, api, dialect.server);
      return { probabilities, usage: answered.usage, model: answered.model, undecided };
    },
  };
}

function add(total: JudgeUsage, part: JudgeUsage): void {
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
  total.cachedInputTokens += part.cachedInputTokens;
  total.estimated ||= part.estimated;
}

/** For a server that sent no usage: the prompts' estimated tokens, and the one verdict token of each. */
function estimatedUsage(texts: readonly string[]): JudgeUsage {
  return { inputTokens: texts.reduce((sum, t) => sum + estimateTokens(t), 0), outputTokens: texts.length, cachedInputTokens: 0, estimated: true };
}

/** The longest the shared server detection may take (its requests have their own HTTP timeouts too). */
const DETECTION_TIMEOUT_MS = 60_000;

