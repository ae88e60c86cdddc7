// Policy service configuration: parsed once from the environment (CLI flags are mapped onto the same names).
import { resolveReasoning, resolveServerKind } from './backends/openai/server-kind.js';
import { ConfigError, env, natsClientShape, priceSetting, pricesFileSetting, readConfig, serverTlsShape, urlsOf, type EnvSource } from '@arbor/kit';
import { ROUTING_POLICIES } from '@arbor/kit/model-http';

export const POLICY_BACKENDS = ['embedded', 'openai'] as const;
export type PolicyBackendName = (typeof POLICY_BACKENDS)[number];

/** The two OpenAI-compatible endpoints a policy can generate steps with. */
export const POLICY_APIS = ['completions', 'chat'] as const;
export type PolicyApi = (typeof POLICY_APIS)[number];

/**
 * The kind of OpenAI-compatible server, for the request fields it takes and how it reports a stop: `auto` is
 * `openai` for api.openai.com and Azure OpenAI, `other` (vLLM's fields, as before there was a setting) for any other URL.
 */
export const POLICY_SERVERS = ['auto', 'vllm', 'sglang', 'llama.cpp', 'ollama', 'openai', 'other'] as const;
export type PolicyServer = (typeof POLICY_SERVERS)[number];

/** Where the continued assistant message ends: with the step delimiter (`closed`) or just before it (`open`). */
export const CHAT_PREFIXES = ['auto', 'closed', 'open'] as const;
export type ChatPrefix = (typeof CHAT_PREFIXES)[number];

/** OpenAI's reasoning_effort values (openai-node 7.5.0, ReasoningEffort); '' sends none. */
export const REASONING_EFFORTS = ['', 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as const;

/** Environment variable names, the form a name in ARBOR_POLICY_API_KEY_ENV must have. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const policyConfigShape = {
  ARBOR_POLICY_LISTEN: env.address('127.0.0.1:50052'),
  /** A plaintext listener for health only, for probes that cannot speak TLS (the kubelet's). */
  ARBOR_POLICY_HEALTH_LISTEN: env.optionalAddress(),
  ...serverTlsShape,
  /** When set, the service also answers on its NATS subject, in its queue group (comma-separated URLs). */
  ...natsClientShape,
  /** Prefix of the NATS subjects and queue groups, so stacks sharing one NATS server stay apart. */
  ARBOR_NATS_NAMESPACE: env.natsNamespace(),
  /** Calls this replica works on at once over NATS; more are answered busy (RESOURCE_EXHAUSTED) and the caller waits. */
  ARBOR_POLICY_MAX_IN_FLIGHT: env.integer(32, 1, 100_000),
  /** The longest one call may run over NATS, whatever deadline its caller sent (and for a request with none). */
  ARBOR_POLICY_MAX_CALL_MS: env.integer(300_000, 1_000, 3_600_000),
  /** Embedded backend: a fixed delay before each answer, to simulate a model server's latency. */
  ARBOR_POLICY_EMBEDDED_LATENCY_MS: env.integer(0, 0, 600_000),
  ARBOR_POLICY_BACKEND: env.oneOf(POLICY_BACKENDS, 'embedded'),
  /** Price table of every service (JSON, see the README); validated here so a bad file stops the service at start. */
  ARBOR_PRICES_FILE: pricesFileSetting(),
  /** USD per million input / cached input / output tokens and per call for this service's backend, any model; each set one over the file's. */
  ARBOR_POLICY_PRICE_INPUT_PER_MTOK: priceSetting(),
  ARBOR_POLICY_PRICE_CACHED_INPUT_PER_MTOK: priceSetting(),
  ARBOR_POLICY_PRICE_OUTPUT_PER_MTOK: priceSetting(),
  ARBOR_POLICY_PRICE_PER_CALL: priceSetting(),
  /** Embedded backend: chance that a proposed step carries an arithmetic slip, as LLM steps sometimes do. */
  ARBOR_POLICY_SLIP_RATE: env.number(0, 0, 1),

  // The openai backend: any OpenAI-compatible server (vLLM, SGLang, llama.cpp, Ollama, OpenAI).
  /**
   * Base URL of the server's OpenAI API, e.g. http://127.0.0.1:8000/v1; required for the openai backend. Several,
   * comma-separated, for several servers of the same model: each request goes where ARBOR_POLICY_ROUTING says.
   */
  ARBOR_POLICY_BASE_URL: env.urlList('', { keySetting: 'ARBOR_POLICY_API_KEY_ENV' }),
  /**
   * Which of several servers takes a request: `prefix` (the one most likely to hold its prompt's prefix in its KV
   * cache, within the load bound), `round_robin` or `random`.
   */
  ARBOR_POLICY_ROUTING: env.oneOf(ROUTING_POLICIES, 'prefix'),
  /** Prefix routing: a server may take up to this many times the mean of the requests in flight, then others do. */
  ARBOR_POLICY_ROUTING_LOAD_FACTOR: env.number(1.25, 1.01, 100),
  /**
   * Look the base URL's host name up again this often (ms), one server per address it resolves to (a Kubernetes
   * headless Service of model servers); 0: the URLs as given.
   */
  ARBOR_POLICY_RESOLVE_EVERY_MS: env.integer(0, 0, 3_600_000),
  /** Model name the server knows, sent in every request; required for the openai backend. */
  ARBOR_POLICY_MODEL: env.string(''),
  /** Name of the variable holding the API key (e.g. OPENAI_API_KEY); empty sends no key. Never the key itself. */
  ARBOR_POLICY_API_KEY_ENV: env.variableName(),
  /** `completions` (a raw prompt the model continues) or `chat` (messages through the chat template). */
  ARBOR_POLICY_API: env.oneOf(POLICY_APIS, 'completions'),
  /**
   * The server's kind (vllm, sglang, llama.cpp, ollama, openai, other), which decides the request fields sent:
   * only OpenAI's own to `openai`, vLLM's continuation fields to `vllm` and `other`, SGLang's to `sglang`.
   * `auto`: `openai` for api.openai.com and *.openai.azure.com, `other` otherwise.
   */
  ARBOR_POLICY_SERVER: env.oneOf(POLICY_SERVERS, 'auto'),
  /**
   * A reasoning model (OpenAI o-series, gpt-5): chat only, `max_completion_tokens` (which counts the hidden
   * reasoning tokens too), and no temperature, top_p, logprobs or stop strings, which such models refuse; the
   * step delimiter is then applied to the text here. `auto`: on for an openai server and a model named o1, o3,
   * o4-mini, gpt-5... (not gpt-5-chat).
   */
  ARBOR_POLICY_REASONING: env.oneOf(['auto', 'true', 'false'] as const, 'auto'),
  /** Reasoning models only: OpenAI's reasoning_effort (none, minimal, low, medium, high, xhigh, max); empty sends none. */
  ARBOR_POLICY_REASONING_EFFORT: env.oneOf(REASONING_EFFORTS, ''),
  /**
   * With API=chat: send the steps so far as a final assistant message the server continues
   * (`continue_final_message`, vLLM and SGLang). Off: the steps go in the user message (OpenAI, Ollama).
   */
  ARBOR_POLICY_CHAT_CONTINUE: env.boolean(false),
  /**
   * With CHAT_CONTINUE: `closed` ends the continued message with the step delimiter; `open` ends it before a
   * whitespace delimiter and sends `min_tokens: 1` so vLLM lets the model write the delimiter, for chat templates
   * that trim the message (stock Llama 3.x: `| trim`), under which closed prompts come back empty. `auto` starts
   * closed and turns open, once and logged, when a continued request comes back all empty at the stop string.
   * vLLM (and other) only.
   */
  ARBOR_POLICY_CHAT_PREFIX: env.oneOf(CHAT_PREFIXES, 'auto'),
  /** Sampling defaults, used where a request leaves the field zero. */
  ARBOR_POLICY_TEMPERATURE: env.number(0.7, 0, 2),
  ARBOR_POLICY_TOP_P: env.number(1, 0, 1),
  /** Most tokens one step may take. */
  ARBOR_POLICY_MAX_TOKENS: env.integer(256, 1, 1_000_000),
  /** Ask for token logprobs (a step's logprob is their sum); turn off for servers that reject them. */
  ARBOR_POLICY_LOGPROBS: env.boolean(true),
  /**
   * Most candidates asked of one HTTP request; more go out as parallel requests. A server that refuses an `n`
   * (llama.cpp: above its --parallel slots, or above 1 in older builds) or answers fewer choices than asked
   * (Ollama) lowers it for the rest of the process, logged once; set it to skip that first refused request.
   */
  ARBOR_POLICY_MAX_N: env.integer(64, 1, 64),
  /** Per HTTP attempt. */
  ARBOR_POLICY_HTTP_TIMEOUT_MS: env.integer(60_000, 1, 3_600_000),
  /** HTTP attempts per request, the first included; 429 and 5xx are retried. */
  ARBOR_POLICY_HTTP_MAX_ATTEMPTS: env.integer(3, 1, 20),
  /** Replaces the built-in instruction (the system message in chat, the first line of a completions prompt). */
  ARBOR_POLICY_SYSTEM_PROMPT: env.string(''),
};

type ParsedPolicyConfig = ReturnType<typeof readConfig<typeof policyConfigShape>>;

export interface PolicyConfig extends ParsedPolicyConfig {
  /**
   * The API key from the variable ARBOR_POLICY_API_KEY_ENV names, or undefined for none. A function, so the key
   * never shows up where a config object is logged or serialised.
   */
  readonly apiKey: () => string | undefined;
}

/**
 * Reads and validates the configuration, rules across settings included, so a policy that could not work stops
 * at start with a ConfigError naming the setting.
 */
export function readPolicyConfig(source: EnvSource = process.env): PolicyConfig {
  const config = readConfig(policyConfigShape, source);
  const problems = config.ARBOR_POLICY_BACKEND === 'openai' ? openAiProblems(config, source) : [];
  if (problems.length > 0) throw new ConfigError(problems.join('; '));
  const keyVariable = config.ARBOR_POLICY_API_KEY_ENV;
  const key = keyVariable === '' ? undefined : source[keyVariable];
  return { ...config, apiKey: () => key };
}

function openAiProblems(config: ParsedPolicyConfig, source: EnvSource): string[] {
  const when = 'when ARBOR_POLICY_BACKEND=openai';
  const problems: string[] = [];
  const baseUrls = urlsOf(config.ARBOR_POLICY_BASE_URL);
  if (baseUrls.length === 0) problems.push(`ARBOR_POLICY_BASE_URL: required ${when} (e.g. http://127.0.0.1:8000/v1)`);
  const resolveMs = config.ARBOR_POLICY_RESOLVE_EVERY_MS;
  if (resolveMs > 0 && resolveMs < 1_000) problems.push(`ARBOR_POLICY_RESOLVE_EVERY_MS: 0 (off) or at least 1000, got ${resolveMs}`);
  if (resolveMs > 0 && baseUrls.length > 1) {
    problems.push('ARBOR_POLICY_RESOLVE_EVERY_MS: looks up the one host name of ARBOR_POLICY_BASE_URL; give one URL, or a list without look-ups');
  }
  // A server reached by its address cannot show a certificate for the name, nor be asked for it by Host.
  if (resolveMs > 0 && baseUrls[0]?.startsWith('https:')) {
    problems.push('ARBOR_POLICY_RESOLVE_EVERY_MS: needs an http:// base URL (servers are reached by address, which a certificate does not name)');
  }
  if (config.ARBOR_POLICY_MODEL.trim() === '') problems.push(`ARBOR_POLICY_MODEL: required ${when} (the model name the server serves)`);
  const keyVariable = config.ARBOR_POLICY_API_KEY_ENV;
  if (keyVariable !== '') {
    if (!ENV_NAME.test(keyVariable)) {
      // Not quoted back: what is there may be the key itself, pasted into the wrong setting.
      problems.push('ARBOR_POLICY_API_KEY_ENV: expected the name of the variable holding the API key (letters, digits, _), not the key');
    } else if (!source[keyVariable]) {
      problems.push(`ARBOR_POLICY_API_KEY_ENV: names ${keyVariable}, which is unset or empty`);
    }
  }
  if (!(config.ARBOR_POLICY_TOP_P > 0)) problems.push(`ARBOR_POLICY_TOP_P: must be above 0 (got ${config.ARBOR_POLICY_TOP_P})`);
  problems.push(...serverProblems(config));
  return problems;
}

/** Settings the server (as ARBOR_POLICY_SERVER resolves) or a reasoning model cannot honour. */
function serverProblems(config: ParsedPolicyConfig): string[] {
  const problems: string[] = [];
  const server = resolveServerKind(config.ARBOR_POLICY_SERVER, urlsOf(config.ARBOR_POLICY_BASE_URL)[0] ?? '');
  const reasoning = resolveReasoning(config.ARBOR_POLICY_REASONING, server, config.ARBOR_POLICY_MODEL);
  const continues = config.ARBOR_POLICY_API === 'chat' && config.ARBOR_POLICY_CHAT_CONTINUE;
  if (continues && server === 'openai') {
    problems.push('ARBOR_POLICY_CHAT_CONTINUE: OpenAI cannot continue an assistant message (continue_final_message is vLLM\'s and SGLang\'s); set it to false');
  } else if (continues && reasoning) {
    problems.push('ARBOR_POLICY_CHAT_CONTINUE: a reasoning model (ARBOR_POLICY_REASONING) answers in a turn of its own; set it to false');
  }
  if (reasoning && config.ARBOR_POLICY_API !== 'chat') {
    problems.push('ARBOR_POLICY_API: reasoning models (ARBOR_POLICY_REASONING) answer /chat/completions only; set it to chat');
  }
  if (!reasoning && config.ARBOR_POLICY_REASONING_EFFORT !== '') {
    problems.push('ARBOR_POLICY_REASONING_EFFORT: only sent to reasoning models; set ARBOR_POLICY_REASONING=true or leave it empty');
  }
  if (config.ARBOR_POLICY_CHAT_PREFIX === 'open' && server !== 'vllm' && server !== 'other') {
    problems.push(`ARBOR_POLICY_CHAT_PREFIX: open relies on vLLM's min_tokens holding stop strings back; ${server} continues the message as sent, use closed`);
  }
  return problems;
}
