// What the openai policy learns about its server while it runs, each lesson logged once: how many choices one
// request may ask for, whether one seed makes every sample alike, whether the chat template trims a continued
// message. Logs carry counts and settings only, never problem, step or answer text.
import { ArborError } from '@arbor/kit/errors';
import type { Generation } from './generations.js';
import type { Prompt } from './prompt.js';
import type { ModelRequest } from './requests.js';
import type { StepSampling } from './sampling.js';

/** Where the backend reports what it adapted; a pino Logger fits. */
export interface NoticeLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

/** A server's refusal of an `n` above what it serves; `max` is the largest it named, if it named one. */
export interface NRefusal {
  max: number | undefined;
}

// llama.cpp: "Only one completion choice is allowed" (older builds, HTTP 400 or 500), "n_cmpl cannot be greater
// than the number of slots, please increase -np", "Field 'n': Value must be between 1 <= value <= 4, but got 8"
// (server-schema.cpp); OpenAI: "Invalid 'n': ..."; anything else naming the field `n` or `n_cmpl`.
const ONLY_ONE = /completion choice/i;
const NAMES_N = /\bn_cmpl\b|['"`]n['"`]|\bn (?:must|cannot|can't|should|is not|exceeds)\b/i;
const UPPER_BOUND = /value\s*<=\s*(\d+)/i;

/** The refusal an error stands for when it is a server turning down `n`; undefined for any other error. */
export function nRefusal(err: unknown): NRefusal | undefined {
  if (!(err instanceof ArborError) || (err.kind !== 'failed_precondition' && err.kind !== 'unavailable')) return undefined;
  if (ONLY_ONE.test(err.message)) return { max: 1 };
  if (!NAMES_N.test(err.message)) return undefined;
  const bound = UPPER_BOUND.exec(err.message);
  return { max: bound ? Number(bound[1]) : undefined };
}

/** Below this chance, n identical samples of one seeded request are not luck but a server sampling by seed. */
const COPIES_CHANCE = 0.01;

/**
 * True when a seeded request got `n` ≥ 2 identical samples, and the samples' own probability makes that
 * practically impossible by chance (p^(n-1) < 1%): a server whose seed fixes every sample of the request (SGLang
 * with --enable-deterministic-inference). A step the model is sure of (p near 1) repeats legitimately and does
 * not count; neither do samples without logprobs, whose probability is unknown. Servers report the model's raw
 * logprobs, before temperature and top_p: only at temperature ≥ 1 with top_p 1 is a sample at least as unlikely
 * to the sampler as its raw logprob says, so only there is the test sound (ARBOR_POLICY_SERVER=sglang covers the
 * rest).
 */
export function seededCopies(request: ModelRequest, generations: readonly Generation[], sampling: StepSampling): boolean {
  const [first] = generations;
  if (!first || request.n < 2 || generations.length !== request.n) return false;
  if (request.body.seed === undefined || !(sampling.temperature >= 1) || sampling.topP < 1) return false;
  if (first.tokens === undefined || generations.some((g) => g.text !== first.text)) return false;
  return (request.n - 1) * first.logprob < Math.log(COPIES_CHANCE);
}

/**
 * True when a continued chat request came back with nothing but stop strings: every choice empty, stopped at a
 * stop string, after a partial answer that ends in whitespace. A chat template that trims the message (stock
 * Llama 3.x's `| trim`) cut the delimiter the answer ended with, so the model wrote it first, and the stop fired.
 */
export function trimmedContinuation(prompt: Prompt, generations: readonly Generation[], stops: readonly string[]): boolean {
  if (prompt.api !== 'chat' || !prompt.continueFinal || generations.length === 0) return false;
  const last = prompt.messages[prompt.messages.length - 1]?.content ?? '';
  if (!prompt.open && last.trimEnd() === last) return false;
  return generations.every((g) => g.text.trim() === '' && g.finishReason === 'stop' && typeof g.stopReason === 'string' && stops.includes(g.stopReason));
}

/** What the backend has learned of its server; shared by all calls, each lesson logged the first time. */
export class ServerAdaptation {
  maxN: number;
  seedApart: boolean;
  openPrefix: boolean;
  private readonly said = new Set<string>();
  private emptyContinued = 0;

  constructor(
    initial: { maxN: number; seedApart: boolean; openPrefix: boolean },
    private readonly log: () => NoticeLogger,
    private readonly server: string,
  ) {
    this.maxN = initial.maxN;
    this.seedApart = initial.seedApart;
    this.openPrefix = initial.openPrefix;
  }

  /** Counts samples of continued chat requests that came back empty; returns the count so far. */
  emptyContinuations(samples: number): number {
    this.emptyContinued += samples;
    return this.emptyContinued;
  }

  /** Logs once per `key` for the life of the backend. */
  once(key: string, level: 'info' | 'warn', fields: Record<string, unknown>, message: string): void {
    if (this.said.has(key)) return;
    this.said.add(key);
    this.log()[level]({ event: `policy_${key}`, server: this.server, ...fields }, message);
  }

  /**
   * A request for `refused` choices was turned down. The new most is what the server named, else the largest
   * request of the round that went through, else half. Returns whether anything changed (then retrying helps).
   */
  nRefused(refused: number, refusal: NRefusal, accepted: readonly number[]): boolean {
    const below = accepted.filter((n) => n < refused);
    const next = refusal.max ?? (below.length > 0 ? Math.max(...below) : Math.floor(refused / 2));
    return this.lower(Math.max(1, Math.min(next, refused - 1)), `refused n=${refused}`);
  }

  /** A request for `asked` choices got `got` (Ollama answers one whatever `n` asks). */
  shortReply(asked: number, got: number): boolean {
    return this.lower(got, `answered n=${asked} with ${got} choice${got === 1 ? '' : 's'}`);
  }

  private lower(maxN: number, what: string): boolean {
    if (maxN >= this.maxN) return false;
    this.maxN = maxN;
    this.log().warn(
      { event: 'policy_max_n_lowered', server: this.server, maxN },
      `${this.server} ${what}: asking at most ${maxN} per request from now on, the rest in parallel requests (set ARBOR_POLICY_MAX_N=${maxN} to start there)`,
    );
    return true;
  }

  /** A seeded request came back as copies of one sample: seed candidates apart from now on. */
  sampledBySeed(n: number): boolean {
    if (this.seedApart) return false;
    this.seedApart = true;
    this.log().warn(
      { event: 'policy_seeded_copies', server: this.server, n },
      `${this.server} answered a seeded request with ${n} identical samples (as SGLang does with --enable-deterministic-inference): ` +
        'seeded candidates go one per request, each with its own seed, from now on (ARBOR_POLICY_SERVER=sglang starts there)',
    );
    return true;
  }
}
