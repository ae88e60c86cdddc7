// The sampling settings one Propose call sends: the request's where it sets them, the configured defaults elsewhere.
import type { Sampling__Output } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import type { OpenAiPolicySettings } from './settings.js';

export interface StepSampling {
  temperature: number;
  topP: number;
  maxTokens: number;
  /** Undefined leaves the server to pick (the wire's 0 means "default"). */
  seed: number | undefined;
  /** Non-empty; a step ends at the first of these. */
  stop: string[];
}

const UINT64_MAX = (1n << 64n) - 1n;
// JSON numbers are doubles: a seed above 2^53 - 1 would arrive rounded, so only the low 53 bits are sent.
const SAFE_BITS = (1n << 53n) - 1n;

/** `taskStop` is the task's step delimiter, used when the request names no stop strings. */
export function resolveSampling(sampling: Sampling__Output | null, settings: OpenAiPolicySettings, taskStop: readonly string[]): StepSampling {
  const temperature = sampling?.temperature || settings.temperature;
  if (!(temperature >= 0 && Number.isFinite(temperature))) {
    throw new InvalidArgumentError('sampling.temperature', `must be a finite number ≥ 0, got ${temperature}`);
  }
  const topP = sampling?.topP || settings.topP;
  if (!(topP > 0 && topP <= 1)) throw new InvalidArgumentError('sampling.top_p', `must be in (0, 1], got ${topP}`);
  const stop = (sampling?.stop ?? []).filter((s) => s !== '');
  return {
    temperature,
    topP,
    maxTokens: sampling?.maxTokens || settings.maxTokens,
    seed: parseSeed(sampling?.seed ?? ''),
    stop: stop.length > 0 ? stop : [...taskStop],
  };
}

/** The wire seed (a uint64 as a decimal string) as a JSON-safe number; undefined for 0 or ''. */
export function parseSeed(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  if (!/^\d{1,20}$/.test(trimmed) || BigInt(trimmed) > UINT64_MAX) {
    throw new InvalidArgumentError('sampling.seed', 'is not a uint64');
  }
  const seed = BigInt(trimmed);
  return seed === 0n ? undefined : Number(seed & SAFE_BITS);
}

/**
 * The seed of the i-th of several requests that share one call. Each needs its own: requests with one seed
 * sample the same tokens, and a server that ignores `n` would then answer k copies of one step.
 */
export function seedForRequest(seed: number | undefined, index: number): number | undefined {
  if (seed === undefined) return undefined;
  return Number((BigInt(seed) + BigInt(index)) & SAFE_BITS);
}
