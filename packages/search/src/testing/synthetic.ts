// A deterministic fake ModelClient for tests: a world defined by a function of the path, seeded sampling,
// fixed usage per call, fault injection (fail, hang, latency) and a record of every call and of concurrency.

import { CancelledError, UnavailableError } from '@arbor/kit/errors';
import type {
  Candidate,
  EvaluateCall,
  ModelClient,
  ModelService,
  ProposeCall,
  ScoreCall,
  Step,
  StepRewards,
  Usage,
} from '../model.js';

export interface WorldOption {
  text: string;
  logprob: number;
  terminal?: boolean;
  answer?: string;
}

/** What the three services know, as functions of the path (the step texts from the root). */
export interface World {
  /** Steps the policy can take after `path`; empty = dead end. */
  options(path: readonly string[]): WorldOption[];
  /** Process reward of the last step of `path`. */
  stepReward(path: readonly string[]): number;
  value(path: readonly string[]): number;
  /** Outcome reward of a finished path; undefined when `path` is not finished. */
  outcome(path: readonly string[]): number | undefined;
}

export interface LetterWorldSpec {
  /** Every path of this length is terminal. */
  depth: number;
  /** One option per letter at every state, e.g. "abc". */
  letters: string;
  /** The path that answers '42' with outcome 1; it is terminal where it ends, even if shorter than depth. */
  optimum: string;
  /** Policy logprob of each letter; the default favours 'a', so greedy decoding misses the optimum. */
  logprobs?: Record<string, number>;
}

/**
 * A full tree over `letters` of the given depth. The optimum's prefixes get step reward 0.9 and value
 * 0.8, every other state 0.3 and 0.2; the all-'a' path answers '7', other wrong paths 'w-<path>'.
 */
export function letterWorld(spec: LetterWorldSpec): World {
  const logprobs = spec.logprobs ?? { a: -0.3, b: -1.0, c: -1.8, d: -2.2 };
  const onPath = (path: readonly string[]): boolean => spec.optimum.startsWith(path.join(''));
  const answerOf = (path: string): string => (path === spec.optimum ? '42' : path === 'a'.repeat(spec.depth) ? '7' : `w-${path}`);
  return {
    options(path) {
      if (path.length >= spec.depth) return [];
      if (path.join('') === spec.optimum) return [];
      return [...spec.letters].map((letter) => {
        const next = path.join('') + letter;
        const terminal = path.length + 1 === spec.depth || next === spec.optimum;
        return { text: letter, logprob: logprobs[letter] ?? -3, terminal, answer: terminal ? answerOf(next) : '' };
      });
    },
    stepReward: (path) => (onPath(path) ? 0.9 : 0.3),
    value: (path) => (onPath(path) ? 0.8 : 0.2),
    outcome: (path) => {
      const p = path.join('');
      return p === spec.optimum ? 1 : path.length === spec.depth ? 0 : undefined;
    },
  };
}

export type Method = 'propose' | 'evaluate' | 'score';

export interface CallRecord {
  /** Order of arrival over all methods, from 0. */
  index: number;
  method: Method;
  callId: string;
  signal: AbortSignal;
  /** Propose only. */
  seed?: number;
  /** Candidates asked for, or batch size. */
  size: number;
  /** Propose only: the prefix's step texts, joined. */
  prefix?: string;
}

export type Fault = 'hang' | 'fail';

export interface SyntheticOptions {
  world: World;
  /** Sample candidates independently (duplicates possible), as an LLM does. Default: without replacement. */
  withReplacement?: boolean;
  usage?: Partial<Record<ModelService, Omit<Usage, 'calls'> & { calls?: number }>>;
  /** 0 (default): reply on a microtask; > 0: reply after a real timer, so concurrent calls overlap. */
  latencyMs?: number | ((call: CallRecord) => number);
  /** Sees each call as it arrives; returning a fault injects it. */
  onCall?: (call: CallRecord) => Fault | void;
}

const SERVICE: Record<Method, ModelService> = { propose: 'policy', evaluate: 'value', score: 'reward' };
const DEFAULT_USAGE: Record<ModelService, Omit<Usage, 'calls'>> = {
  policy: { inputTokens: 20, outputTokens: 8, costUsd: 0.002 },
  value: { inputTokens: 10, outputTokens: 1, costUsd: 0.0005 },
  reward: { inputTokens: 15, outputTokens: 1, costUsd: 0.0005 },
};

export class SyntheticClient implements ModelClient {
  readonly calls: CallRecord[] = [];
  readonly inFlight: Record<Method, number> = { propose: 0, evaluate: 0, score: 0 };
  readonly maxInFlight: Record<Method, number> = { propose: 0, evaluate: 0, score: 0 };
  maxInFlightTotal = 0;
  /** A score reply with outcome >= 1 has been sent. */
  solutionServed = false;
  readonly #options: SyntheticOptions;

  constructor(options: SyntheticOptions) {
    this.#options = options;
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  propose(call: ProposeCall, signal: AbortSignal): Promise<{ candidates: Candidate[]; usage: Usage }> {
    const prefix = call.prefix.map((s) => s.text).join('');
    return this.#serve('propose', call.callId, signal, call.numCandidates, { seed: call.seed, prefix }, () => {
      const path = call.prefix.map((s) => s.text);
      const options = this.#options.world.options(path);
      return { candidates: sample(options, call.numCandidates, call.seed, this.#options.withReplacement ?? false) };
    });
  }

  evaluate(call: EvaluateCall, signal: AbortSignal): Promise<{ values: number[]; usage: Usage }> {
    return this.#serve('evaluate', call.callId, signal, call.states.length, {}, () => ({
      values: call.states.map((state) => this.#options.world.value(state.map((s) => s.text))),
    }));
  }

  score(call: ScoreCall, signal: AbortSignal): Promise<{ rewards: StepRewards[]; usage: Usage }> {
    const { world } = this.#options;
    return this.#serve('score', call.callId, signal, call.trajectories.length, {}, () => ({
      rewards: call.trajectories.map((steps) => {
        const path = steps.map((s) => s.text);
        const stepRewards = path.map((_, i) => world.stepReward(path.slice(0, i + 1)));
        const outcome = world.outcome(path);
        if (outcome !== undefined && outcome >= 1) this.solutionServed = true;
        return outcome === undefined ? { stepRewards } : { stepRewards, outcome };
      }),
    }));
  }

  #serve<T extends object>(
    method: Method,
    callId: string,
    signal: AbortSignal,
    size: number,
    extra: { seed?: number; prefix?: string },
    answer: () => T,
  ): Promise<T & { usage: Usage }> {
    const record: CallRecord = { index: this.calls.length, method, callId, signal, size, ...extra };
    this.calls.push(record);
    const fault = this.#options.onCall?.(record);
    if (fault === 'hang') return new Promise(() => {}); // ignores its signal on purpose
    this.inFlight[method] += 1;
    this.maxInFlight[method] = Math.max(this.maxInFlight[method], this.inFlight[method]);
    const total = this.inFlight.propose + this.inFlight.evaluate + this.inFlight.score;
    this.maxInFlightTotal = Math.max(this.maxInFlightTotal, total);
    const base = this.#options.usage?.[SERVICE[method]] ?? DEFAULT_USAGE[SERVICE[method]];
    const usage: Usage = { calls: 1, ...base };
    return new Promise<T & { usage: Usage }>((resolve, reject) => {
      const finish = (): void => {
        this.inFlight[method] -= 1;
        if (signal.aborted) reject(new CancelledError('aborted by caller'));
        else if (fault === 'fail') reject(new UnavailableError(`${method} service unavailable`));
        else resolve({ ...answer(), usage });
      };
      const option = this.#options.latencyMs ?? 0;
      const latency = typeof option === 'function' ? option(record) : option;
      if (latency > 0) setTimeout(finish, latency);
      else queueMicrotask(finish);
    });
  }
}

/** xorshift32: a tiny seeded generator, enough to make sampling depend on the per-call seed. */
function generator(seed: number): () => number {
  let s = seed >>> 0 || 0x6d2b79f5;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

/** Draws `k` options with probability proportional to exp(logprob). */
function sample(options: readonly WorldOption[], k: number, seed: number, withReplacement: boolean): Candidate[] {
  const next = generator(seed);
  const pool = [...options];
  const out: Candidate[] = [];
  while (out.length < k && pool.length > 0) {
    const weights = pool.map((o) => Math.exp(o.logprob));
    const total = weights.reduce((a, b) => a + b, 0);
    let r = next() * total;
    let i = 0;
    while (i < pool.length - 1 && r >= (weights[i] ?? 0)) {
      r -= weights[i] ?? 0;
      i += 1;
    }
    const option = pool[i];
    if (!option) break;
    if (!withReplacement) pool.splice(i, 1);
    const step: Step = { text: option.text, logprob: option.logprob, tokens: 4 };
    out.push({ step, terminal: option.terminal ?? false, answer: option.answer ?? '' });
  }
  return out;
}
