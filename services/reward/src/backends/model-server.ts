// What the reward backends that call a model server need, lifted out of the service config so tests can build
// them directly, and the HTTP client made from it.
import { createModelHttpClient, serverLabel, type ModelHttpClient } from '@arbor/kit/model-http';
import type { JudgeApi, JudgeServerSetting } from '@arbor/judge';
import type { RewardConfig } from '../config.js';
import { prmFormat, type PrmFormat } from './prm-format.js';

export interface RewardServerSettings {
  /** The OpenAI API base, e.g. http://127.0.0.1:8000/v1. */
  baseUrl: string;
  model: string;
  /** Sent as a bearer token when set. */
  apiKey?: string;
  /** openai-judge only; unset takes the server's default (chat on OpenAI, completions elsewhere). */
  api?: JudgeApi | undefined;
  /** openai-judge and next-token PRMs: the server's kind, or `auto` to ask it; default `vllm`. */
  server?: JudgeServerSetting;
  timeoutMs: number;
  maxAttempts: number;
  /** vllm-prm only. */
  prm: PrmFormat;
}

/** Settings from a validated config (readRewardConfig has already checked that BASE_URL and MODEL are set). */
export function rewardServerSettings(config: RewardConfig): RewardServerSettings {
  const apiKey = config.apiKey();
  const positiveIndex = config.ARBOR_REWARD_PRM_POSITIVE_INDEX;
  return {
    baseUrl: config.ARBOR_REWARD_BASE_URL ?? '',
    model: config.ARBOR_REWARD_MODEL.trim(),
    ...(apiKey && { apiKey }),
    api: config.ARBOR_REWARD_API,
    server: config.ARBOR_REWARD_SERVER,
    timeoutMs: config.ARBOR_REWARD_HTTP_TIMEOUT_MS,
    maxAttempts: config.ARBOR_REWARD_HTTP_MAX_ATTEMPTS,
    prm: prmFormat(config.ARBOR_REWARD_PRM_PRESET, {
      ...(config.ARBOR_REWARD_PRM_STEP_TAG !== '' && { stepTag: config.ARBOR_REWARD_PRM_STEP_TAG }),
      ...(positiveIndex !== undefined && { positiveIndex }),
    }),
  };
}

/**
 * Names the server in every error a caller sees, so an UNAVAILABLE says which dependency failed. Origin and path
 * only: a key in the URL's userinfo or query must not reach callers and logs.
 */
export function rewardServerLabel(url: string): string {
  return serverLabel('reward model server', url);
}

export function rewardHttpClient(settings: RewardServerSettings, baseUrl: string): ModelHttpClient {
  const { apiKey, timeoutMs, maxAttempts } = settings;
  return createModelHttpClient({ baseUrl, apiKey, timeoutMs, maxAttempts, label: rewardServerLabel(baseUrl) });
}
