// The HTTP requests of one Propose call: the body for /completions or /chat/completions, shaped for the server's
// kind (its fields and limits), k candidates split into requests of at most MAX_N each.
import type { Prompt } from './prompt.js';
import { seedForRequest, type StepSampling } from './sampling.js';
import { serverProfile, type ServerKind } from './server-kind.js';

export const COMPLETIONS_PATH = '/completions';
export const CHAT_PATH = '/chat/completions';

export interface ModelRequest {
  path: typeof COMPLETIONS_PATH | typeof CHAT_PATH;
  /** Choices asked for (`n`; the field is left out at 1, every server's default). */
  n: number;
  body: Record<string, unknown>;
}

export interface RequestOptions {
  model: string;
  logprobs: boolean;
  /** Most choices one request asks for. */
  maxN: number;
  /** The server's kind; 'other' (vLLM's fields) when left out. */
  server?: ServerKind;
  /** A reasoning model: see ARBOR_POLICY_REASONING. */
  reasoning?: boolean;
  reasoningEffort?: string;
  /** Seeded candidates one per request, each with its own seed (see ServerProfile.seedApart). */
  seedApart?: boolean;
}

/** The sampling fields one request carries, after the server's limits; what they leave out is done here. */
export interface ShapedSampling {
  /** Undefined: not sent (reasoning models). */
  temperature: number | undefined;
  topP: number | undefined;
  /** Sent as `stop`; may be empty (not sent). */
  stop: string[];
  /** Stop strings applied to the text here (cutAtStops): beyond the server's limit, or all for reasoning models. */
  localStops: string[];
  /** The temperature asked for when the server's maximum replaced it. */
  clampedFrom: number | undefined;
}

export function shapeSampling(sampling: StepSampling, server: ServerKind, reasoning: boolean): ShapedSampling {
  if (reasoning) return { temperature: undefined, topP: undefined, stop: [], localStops: [...sampling.stop], clampedFrom: undefined };
  const { maxTemperature, maxStops } = serverProfile(server);
  const clamped = maxTemperature !== undefined && sampling.temperature > maxTemperature;
  const sent = maxStops === undefined ? sampling.stop.length : maxStops;
  return {
    temperature: clamped ? maxTemperature : sampling.temperature,
    topP: sampling.topP,
    stop: sampling.stop.slice(0, sent),
    localStops: sampling.stop.slice(sent),
    clampedFrom: clamped ? sampling.temperature : undefined,
  };
}

/** Sizes of the requests for k candidates, as even as possible: 10 at MAX_N 4 is 4, 3, 3. */
export function splitCount(k: number, maxN: number): number[] {
  const requests = Math.ceil(k / maxN);
  const base = Math.floor(k / requests);
  return Array.from({ length: requests }, (_, i) => base + (i < k % requests ? 1 : 0));
}

/**
 * The requests for k candidates. `firstIndex` numbers them within the call (a later round of top-ups starts
 * after the earlier ones), since each request's seed comes from its number.
 */
export function buildRequests(prompt: Prompt, sampling: StepSampling, k: number, options: RequestOptions, firstIndex = 0): ModelRequest[] {
  const maxN = options.seedApart && sampling.seed !== undefined ? 1 : options.maxN;
  return splitCount(k, maxN).map((n, i) => buildRequest(prompt, sampling, n, firstIndex + i, options));
}

/** One request asking for `n` choices; `index` is its number within the call, for its seed. */
export function buildRequest(prompt: Prompt, sampling: StepSampling, n: number, index: number, options: RequestOptions): ModelRequest {
  const server = options.server ?? 'other';
  const reasoning = options.reasoning ?? false;
  const profile = serverProfile(server);
  const shaped = shapeSampling(sampling, server, reasoning);
  // Reasoning models take no seed either: their sampling is not reproducible.
  const seed = reasoning ? undefined : seedForRequest(sampling.seed, index);
  const sampled = {
    ...(n !== 1 && { n }),
    ...(shaped.temperature !== undefined && { temperature: shaped.temperature }),
    ...(shaped.topP !== undefined && { top_p: shaped.topP }),
    ...(shaped.stop.length > 0 && { stop: shaped.stop }),
    ...(seed !== undefined && { seed }),
  };
  if (prompt.api === 'completions') {
    const body = { model: options.model, prompt: prompt.text, max_tokens: sampling.maxTokens, ...sampled, ...(options.logprobs && { logprobs: 1 }) };
    return { path: COMPLETIONS_PATH, n, body };
  }
  const tokenField = reasoning ? 'max_completion_tokens' : profile.chatTokenField;
  const body: Record<string, unknown> = {
    model: options.model,
    messages: prompt.messages,
    [tokenField]: sampling.maxTokens,
    ...sampled,
    ...(options.logprobs && !reasoning && { logprobs: true }),
    ...(reasoning && options.reasoningEffort && { reasoning_effort: options.reasoningEffort }),
  };
  if (prompt.continueFinal && profile.continueFields) {
    // Render the last assistant message open, without a new assistant turn (vLLM's and SGLang's extensions).
    Object.assign(body, profile.continueFields);
    // An open prefix: the model writes the delimiter first; vLLM checks no stop string in the first min_tokens.
    if (prompt.open && profile.minTokensHoldsStops) body.min_tokens = 1;
  }
  return { path: CHAT_PATH, n, body };
}
