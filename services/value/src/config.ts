// Value service configuration: parsed once from the environment (CLI flags are mapped onto the same names).
import { ConfigError, env, natsClientShape, priceSetting, pricesFileSetting, readConfig, serverTlsShape, z, type Batching, type EnvSource } from '@arbor/kit';
import { JUDGE_APIS, JUDGE_SERVERS } from '@arbor/judge';

export const VALUE_BACKENDS = ['embedded', 'openai-judge', 'http'] as const;
export type ValueBackendName = (typeof VALUE_BACKENDS)[number];

/** Environment variable names, the form a name in ARBOR_VALUE_API_KEY_ENV must have. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const valueConfigShape = {
  ARBOR_VALUE_LISTEN: env.address('127.0.0.1:50053'),
  /** A plaintext listener for health only, for probes that cannot speak TLS (the kubelet's). */
  ARBOR_VALUE_HEALTH_LISTEN: env.optionalAddress(),
  ...serverTlsShape,
  /** When set, the service also answers on its NATS subject, in its queue group (comma-separated URLs). */
  ...natsClientShape,
  /** Prefix of the NATS subjects and queue groups, so stacks sharing one NATS server stay apart. */
  ARBOR_NATS_NAMESPACE: env.natsNamespace(),
  /** Calls this replica works on at once over NATS; more are answered busy (RESOURCE_EXHAUSTED) and the caller waits. */
  ARBOR_VALUE_MAX_IN_FLIGHT: env.integer(32, 1, 100_000),
  /** The longest one call may run over NATS, whatever deadline its caller sent (and for a request with none). */
  ARBOR_VALUE_MAX_CALL_MS: env.integer(300_000, 1_000, 3_600_000),
  /** Embedded backend: a fixed delay before each answer, to simulate a model server's latency. */
  ARBOR_VALUE_EMBEDDED_LATENCY_MS: env.integer(0, 0, 600_000),
  ARBOR_VALUE_BACKEND: env.oneOf(VALUE_BACKENDS, 'embedded'),
  /** Price table of every service (JSON, see the README); validated here so a bad file stops the service at start. */
  ARBOR_PRICES_FILE: pricesFileSetting(),
  /** USD per million input / cached input / output tokens and per call for this service's backend, any model; each set one over the file's. */
  ARBOR_VALUE_PRICE_INPUT_PER_MTOK: priceSetting(),
  ARBOR_VALUE_PRICE_CACHED_INPUT_PER_MTOK: priceSetting(),
  ARBOR_VALUE_PRICE_OUTPUT_PER_MTOK: priceSetting(),
  ARBOR_VALUE_PRICE_PER_CALL: priceSetting(),

  /**
   * Most states, from any callers, scored in one backend call; unset takes the backend's default (1, i.e. no
   * batching, for embedded; 32 for the model-server backends). 1 sends each request to the backend on its own.
   */
  ARBOR_VALUE_BATCH_MAX_ITEMS: env.optionalNumber(1, 4096),
  /** How long the first state of a batch waits for others; unset: 0 for embedded, 2 ms otherwise. */
  ARBOR_VALUE_BATCH_MAX_WAIT_MS: env.optionalNumber(0, 1000),

  // The model-server backends: openai-judge (an OpenAI-compatible server asked a yes/no question) and http.
  /** openai-judge: the server's OpenAI API, e.g. http://127.0.0.1:8000/v1. http: the full URL of the value head. */
  ARBOR_VALUE_BASE_URL: env.url('', { keySetting: 'ARBOR_VALUE_API_KEY_ENV' }),
  /** Model name sent in every request; required for openai-judge, optional for http. */
  ARBOR_VALUE_MODEL: env.string(''),
  /** Name of the variable holding the API key (e.g. OPENAI_API_KEY); empty sends no key. Never the key itself. */
  ARBOR_VALUE_API_KEY_ENV: env.variableName(),
  /**
   * openai-judge: `completions` (up to 64 prompts per request, one on Ollama) or `chat` (one request per prompt).
   * Unset: chat on OpenAI (which serves its chat models on chat only), completions elsewhere.
   */
  ARBOR_VALUE_API: z.enum(JUDGE_APIS, { error: `expected one of ${JUDGE_APIS.join(', ')}` }).optional(),
  /**
   * openai-judge: the server, which decides the request's shape (prompt list or string, how many logprobs,
   * chat_template_kwargs). `auto` asks the server (GET /v1/models, GET /api/version) once before the first call.
   */
  ARBOR_VALUE_SERVER: env.oneOf(JUDGE_SERVERS, 'auto'),
  /** Per HTTP attempt. */
  ARBOR_VALUE_HTTP_TIMEOUT_MS: env.integer(30_000, 1, 3_600_000),
  /** HTTP attempts per request, the first included; 429 and 5xx are retried. */
  ARBOR_VALUE_HTTP_MAX_ATTEMPTS: env.integer(3, 1, 20),
};

type ParsedValueConfig = ReturnType<typeof readConfig<typeof valueConfigShape>>;

export interface ValueConfig extends ParsedValueConfig {
  /**
   * The API key from the variable ARBOR_VALUE_API_KEY_ENV names, or undefined for none. A function, so the key
   * never shows up where a config object is logged or serialised.
   */
  readonly apiKey: () => string | undefined;
}

/**
 * Reads and validates the configuration, rules across settings included, so a value service that could not
 * work stops at start with a ConfigError naming the setting.
 */
export function readValueConfig(source: EnvSource = process.env): ValueConfig {
  const config = readConfig(valueConfigShape, source);
  const problems = crossSettingProblems(config, source);
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  const keyVariable = config.ARBOR_VALUE_API_KEY_ENV;
  const key = keyVariable === '' ? undefined : source[keyVariable];
  return { ...config, apiKey: () => key };
}

function crossSettingProblems(config: ParsedValueConfig, source: EnvSource): string[] {
  const backend = config.ARBOR_VALUE_BACKEND;
  const problems: string[] = [];
  const maxItems = config.ARBOR_VALUE_BATCH_MAX_ITEMS;
  if (maxItems !== undefined && !Number.isInteger(maxItems)) problems.push(`ARBOR_VALUE_BATCH_MAX_ITEMS: expected an integer (got ${maxItems})`);
  if (backend === 'embedded') return problems;
  const when = `when ARBOR_VALUE_BACKEND=${backend}`;
  if (!config.ARBOR_VALUE_BASE_URL) {
    const example = backend === 'http' ? 'http://127.0.0.1:9000/value' : 'http://127.0.0.1:8000/v1';
    problems.push(`ARBOR_VALUE_BASE_URL: required ${when} (e.g. ${example})`);
  }
  if (backend === 'openai-judge' && config.ARBOR_VALUE_MODEL.trim() === '') {
    problems.push(`ARBOR_VALUE_MODEL: required ${when} (the model name the server serves)`);
  }
  const keyVariable = config.ARBOR_VALUE_API_KEY_ENV;
  if (keyVariable !== '') {
    if (!ENV_NAME.test(keyVariable)) {
      // Not quoted back: what is there may be the key itself, pasted into the wrong setting.
      problems.push('ARBOR_VALUE_API_KEY_ENV: expected the name of the variable holding the API key (letters, digits, _), not the key');
    } else if (!source[keyVariable]) {
      problems.push(`ARBOR_VALUE_API_KEY_ENV: names ${keyVariable}, which is unset or empty`);
    }
  }
  return problems;
}

/** Micro-batching of the Evaluate handler: the settings, else the backend's default. */
/** Micro-batching of the handler (kit's BackendCalls). */
export type { Batching } from '@arbor/kit';

/** Off for the embedded backend (it computes in microseconds); a few ms for model servers, which batch on the GPU. */
export function valueBatching(config: ValueConfig): Batching {
  const embedded = config.ARBOR_VALUE_BACKEND === 'embedded';
  return {
    maxItems: config.ARBOR_VALUE_BATCH_MAX_ITEMS ?? (embedded ? 1 : 32),
    maxWaitMs: config.ARBOR_VALUE_BATCH_MAX_WAIT_MS ?? (embedded ? 0 : 2),
  };
}
