// Reward service configuration: parsed once from the environment (CLI flags are mapped onto the same names).
import { ConfigError, env, natsClientShape, priceSetting, pricesFileSetting, readConfig, serverTlsShape, z, type Batching, type EnvSource } from '@arbor/kit';
import { JUDGE_APIS, JUDGE_SERVERS } from '@arbor/judge';

export const REWARD_BACKENDS = ['embedded', 'vllm-prm', 'openai-judge', 'math-verify'] as const;
export type RewardBackendName = (typeof REWARD_BACKENDS)[number];

/** Process reward models whose input format and labels the vllm-prm backend knows (backends/prm-format.ts). */
export const PRM_PRESETS = ['qwen2.5-math-prm', 'math-shepherd'] as const;
export type PrmPreset = (typeof PRM_PRESETS)[number];

/** Backends that call a model server, and so need its URL and model name. */
const MODEL_SERVER_BACKENDS: readonly RewardBackendName[] = ['vllm-prm', 'openai-judge'];

/** Environment variable names, the form a name in ARBOR_REWARD_API_KEY_ENV must have. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const rewardConfigShape = {
  ARBOR_REWARD_LISTEN: env.address('127.0.0.1:50054'),
  /** A plaintext listener for health only, for probes that cannot speak TLS (the kubelet's). */
  ARBOR_REWARD_HEALTH_LISTEN: env.optionalAddress(),
  ...serverTlsShape,
  /** When set, the service also answers on its NATS subject, in its queue group (comma-separated URLs). */
  ...natsClientShape,
  /** Prefix of the NATS subjects and queue groups, so stacks sharing one NATS server stay apart. */
  ARBOR_NATS_NAMESPACE: env.natsNamespace(),
  /** Calls this replica works on at once over NATS; more are answered busy (RESOURCE_EXHAUSTED) and the caller waits. */
  ARBOR_REWARD_MAX_IN_FLIGHT: env.integer(32, 1, 100_000),
  /** The longest one call may run over NATS, whatever deadline its caller sent (and for a request with none). */
  ARBOR_REWARD_MAX_CALL_MS: env.integer(300_000, 1_000, 3_600_000),
  /** Embedded backend: a fixed delay before each answer, to simulate a model server's latency. */
  ARBOR_REWARD_EMBEDDED_LATENCY_MS: env.integer(0, 0, 600_000),
  ARBOR_REWARD_BACKEND: env.oneOf(REWARD_BACKENDS, 'embedded'),
  /** Price table of every service (JSON, see the README); validated here so a bad file stops the service at start. */
  ARBOR_PRICES_FILE: pricesFileSetting(),
  /** USD per million input / cached input / output tokens and per call for this service's backend, any model; each set one over the file's. */
  ARBOR_REWARD_PRICE_INPUT_PER_MTOK: priceSetting(),
  ARBOR_REWARD_PRICE_CACHED_INPUT_PER_MTOK: priceSetting(),
  ARBOR_REWARD_PRICE_OUTPUT_PER_MTOK: priceSetting(),
  ARBOR_REWARD_PRICE_PER_CALL: priceSetting(),

  /**
   * Most trajectories, from any callers, scored in one backend call; unset takes the backend's default (1, i.e.
   * no batching, for embedded and math-verify; 32 for the model-server backends).
   */
  ARBOR_REWARD_BATCH_MAX_ITEMS: env.optionalNumber(1, 4096),
  /** How long the first trajectory of a batch waits for others; unset: 0 without a model server, 2 ms with one. */
  ARBOR_REWARD_BATCH_MAX_WAIT_MS: env.optionalNumber(0, 1000),
  /**
   * With any backend: for a math problem with params.reference, the outcome is the exact verdict on the final
   * answer (math-verify) instead of the model's guess, as the embedded countdown reward's outcome is exact.
   */
  ARBOR_REWARD_VERIFY_OUTCOME: env.boolean(false),

  // The model-server backends: vllm-prm (a process reward model on vLLM) and openai-judge.
  /** The server's OpenAI API base, e.g. http://127.0.0.1:8000/v1 (vllm-prm's pooling presets post to /pooling at its root). */
  ARBOR_REWARD_BASE_URL: env.url('', { keySetting: 'ARBOR_REWARD_API_KEY_ENV' }),
  /** Model name sent in every request; required for vllm-prm and openai-judge. */
  ARBOR_REWARD_MODEL: env.string(''),
  /** Name of the variable holding the API key (e.g. OPENAI_API_KEY); empty sends no key. Never the key itself. */
  ARBOR_REWARD_API_KEY_ENV: env.variableName(),
  /**
   * openai-judge: `completions` (up to 64 prompts per request, one on Ollama) or `chat` (one request per prompt).
   * Unset: chat on OpenAI (which serves its chat models on chat only), completions elsewhere.
   */
  ARBOR_REWARD_API: z.enum(JUDGE_APIS, { error: `expected one of ${JUDGE_APIS.join(', ')}` }).optional(),
  /**
   * openai-judge and the math-shepherd preset: the server, which decides the request's shape (prompt list or
   * string, how many logprobs, chat_template_kwargs). `auto` asks the server once before the first call.
   */
  ARBOR_REWARD_SERVER: env.oneOf(JUDGE_SERVERS, 'auto'),
  /** Per HTTP attempt. */
  ARBOR_REWARD_HTTP_TIMEOUT_MS: env.integer(30_000, 1, 3_600_000),
  /** HTTP attempts per request, the first included; 429 and 5xx are retried. */
  ARBOR_REWARD_HTTP_MAX_ATTEMPTS: env.integer(3, 1, 20),
  /** vllm-prm: the reward model's input format, step tag and positive label. */
  ARBOR_REWARD_PRM_PRESET: env.oneOf(PRM_PRESETS, 'qwen2.5-math-prm'),
  /** vllm-prm: overrides the preset's step tag (after every step: where the server pools, or where the model answers + or -). */
  ARBOR_REWARD_PRM_STEP_TAG: env.string(''),
  /** vllm-prm (pooling presets): overrides the preset's index of the "step is correct" label in each returned row. */
  ARBOR_REWARD_PRM_POSITIVE_INDEX: env.optionalNumber(0, 1),
  /**
   * vllm-prm: before the first score, a fixed known-correct and known-wrong step are scored, and the service
   * refuses to serve when the wrong one does not come out clearly lower. false skips it, for a model it cannot read.
   */
  ARBOR_REWARD_PRM_LABEL_CHECK: env.boolean(true),
};

type ParsedRewardConfig = ReturnType<typeof readConfig<typeof rewardConfigShape>>;

export interface RewardConfig extends ParsedRewardConfig {
  /**
   * The API key from the variable ARBOR_REWARD_API_KEY_ENV names, or undefined for none. A function, so the key
   * never shows up where a config object is logged or serialised.
   */
  readonly apiKey: () => string | undefined;
}

/**
 * Reads and validates the configuration, rules across settings included, so a reward service that could not
 * work stops at start with a ConfigError naming the setting.
 */
export function readRewardConfig(source: EnvSource = process.env): RewardConfig {
  const config = readConfig(rewardConfigShape, source);
  const problems = crossSettingProblems(config, source);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  const keyVariable = config.ARBOR_REWARD_API_KEY_ENV;
  const key = keyVariable === '' ? undefined : source[keyVariable];
  return { ...config, apiKey: () => key };
}

function crossSettingProblems(config: ParsedRewardConfig, source: EnvSource): string[] {
  const backend = config.ARBOR_REWARD_BACKEND;
  const problems: string[] = [];
  const maxItems = config.ARBOR_REWARD_BATCH_MAX_ITEMS;
  if (maxItems !== undefined && !Number.isInteger(maxItems)) problems.push(`ARBOR_REWARD_BATCH_MAX_ITEMS: expected an integer (got ${maxItems})`);
  const index = config.ARBOR_REWARD_PRM_POSITIVE_INDEX;
  if (index !== undefined && !Number.isInteger(index)) problems.push(`ARBOR_REWARD_PRM_POSITIVE_INDEX: expected an integer (got ${index})`);
  if (index !== undefined && config.ARBOR_REWARD_PRM_PRESET === 'math-shepherd') {
    problems.push('ARBOR_REWARD_PRM_POSITIVE_INDEX: the math-shepherd preset reads the "+" and "-" tokens the model says after each step, not a row of labels; leave it unset');
  }
  if (!MODEL_SERVER_BACKENDS.includes(backend)) return problems;
  const when = `when ARBOR_REWARD_BACKEND=${backend}`;
  if (!config.ARBOR_REWARD_BASE_URL) problems.push(`ARBOR_REWARD_BASE_URL: required ${when} (e.g. http://127.0.0.1:8000/v1)`);
  if (config.ARBOR_REWARD_MODEL.trim() === '') problems.push(`ARBOR_REWARD_MODEL: required ${when} (the model name the server serves)`);
  const keyVariable = config.ARBOR_REWARD_API_KEY_ENV;
  if (keyVariable !== '') {
    if (!ENV_NAME.test(keyVariable)) {
      // Not quoted back: what is there may be the key itself, pasted into the wrong setting.
      problems.push('ARBOR_REWARD_API_KEY_ENV: expected the name of the variable holding the API key (letters, digits, _), not the key');
    } else if (!source[keyVariable]) {
      problems.push(`ARBOR_REWARD_API_KEY_ENV: names ${keyVariable}, which is unset or empty`);
    }
  }
  return problems;
}

/** Micro-batching of the Score handler: the settings, else the backend's default. */
/** Micro-batching of the handler (kit's BackendCalls). */
export type { Batching } from '@arbor/kit';

/** Off for the backends that compute in-process; a few ms for model servers, which batch on the GPU. */
export function rewardBatching(config: RewardConfig): Batching {
  const remote = MODEL_SERVER_BACKENDS.includes(config.ARBOR_REWARD_BACKEND);
  return {
    maxItems: config.ARBOR_REWARD_BATCH_MAX_ITEMS ?? (remote ? 32 : 1),
    maxWaitMs: config.ARBOR_REWARD_BATCH_MAX_WAIT_MS ?? (remote ? 2 : 0),
  };
}
