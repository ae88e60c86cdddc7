// `arbor doctor`'s checks of the policy: the real backend, built from the same settings, asked for candidates of
// a fixed probe problem; n honoured, logprob shape, chat-continue steps, cached tokens, latency.
import type { ProposeRequest__Output } from '@arbor/contracts';
import { ConfigError, type EnvSource } from '@arbor/kit';
import { createModelHttpClient } from '@arbor/kit/model-http';
import { createOpenAiPolicy, openAiSettingsFromConfig, policyServerLabel, readPolicyConfig, type NoticeLogger, type OpenAiPolicySettings } from '@arbor/policy';
import { errorLine, ms, recordingClient, type Exchange, type Row } from './probes.js';
import { type DoctorOptions, PROBE_CANDIDATES, PROBE_PROBLEM, RIGHT_STEP, trajectory, prefix, Rows, hintFor, type ServerFacts, serverRows, skipRest } from './server-rows.js';

export async function checkPolicy(env: EnvSource, options: DoctorOptions): Promise<Row[]> {
  const rows = new Rows('policy');
  let settings: OpenAiPolicySettings;
  try {
    const config = readPolicyConfig(env);
    if (config.ARBOR_POLICY_BACKEND === 'embedded') {
      rows.add('backend', 'ok', 'embedded: nothing to check');
      return rows.rows;
    }
    settings = { ...openAiSettingsFromConfig(config), timeoutMs: Math.min(config.ARBOR_POLICY_HTTP_TIMEOUT_MS, options.timeoutMs) };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    rows.add('config', 'FAIL', err.message);
    return rows.rows;
  }
  const later = ['call', 'n', 'logprobs', 'chat-continue', 'cached tokens', 'latency'];
  const facts = await serverRows(rows, 'policy', settings.baseUrl, settings.model, settings.apiKey, options);
  if (!facts.reachable) {
    skipRest(rows, later);
    return rows.rows;
  }
  policyServerRow(rows, settings, facts);

  const exchanges: Exchange[] = [];
  const notices: string[] = [];
  const log: NoticeLogger = { info: (fields) => notices.push(String(fields.event)), warn: (fields) => notices.push(String(fields.event)) };
  const http = createModelHttpClient({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs, maxAttempts: settings.maxAttempts, label: policyServerLabel(settings.baseUrl) });
  const policy = createOpenAiPolicy(settings, { client: recordingClient(http, exchanges), log });
  const propose = (steps: string[]): ProposeRequest__Output => ({
    problem: PROBE_PROBLEM,
    prefix: trajectory(...steps),
    numCandidates: PROBE_CANDIDATES,
    sampling: { temperature: 0, topP: 0, maxTokens: 0, seed: '0', stop: [] },
    callId: 'arbor-doctor',
  });

  const started = performance.now();
  let took: number;
  try {
    const reply = await policy.propose(propose([]), AbortSignal.timeout(options.timeoutMs));
    took = ms(started);
    const got = reply.candidates?.length ?? 0;
    rows.add('call', got > 0 ? 'ok' : 'FAIL', got > 0 ? `${got} distinct steps of ${PROBE_CANDIDATES} asked` : `no usable step came back (${reply.invalidCandidates ?? 0} unusable) → check ARBOR_POLICY_API and ARBOR_POLICY_SYSTEM_PROMPT`);
  } catch (err) {
    rows.add('call', 'FAIL', `${errorLine(err)}${hintFor(err, 'policy')}`);
    for (const check of ['n', 'logprobs', 'chat-continue', 'cached tokens', 'latency']) rows.add(check, 'skip', 'the call failed');
    return rows.rows;
  }
  const generations = exchanges.filter((e) => e.path.endsWith('/completions'));
  nRow(rows, settings, generations);
  logprobRow(rows, settings, generations);
  await chatContinueRow(rows, settings, () => policy.propose(propose([RIGHT_STEP.split(',')[0] + '.']), AbortSignal.timeout(options.timeoutMs)), notices);
  cachedRow(rows, exchanges);
  rows.add('latency', 'ok', `${took} ms for one call of ${PROBE_CANDIDATES} candidates`);
  return rows.rows;
}

function policyServerRow(rows: Rows, settings: OpenAiPolicySettings, facts: ServerFacts): void {
  const { detected, how } = facts;
  if (detected === undefined) {
    rows.add('server', 'warn', `could not tell the server's kind; requests are shaped for ${settings.server}`);
    return;
  }
  const alike = detected === settings.server || (detected === 'vllm' && settings.server === 'other') || detected === 'other';
  const said = `${detected} (${how})`;
  if (alike) rows.add('server', 'ok', `${said}; requests shaped for ${settings.server}`);
  else rows.add('server', 'warn', `${said}, but requests are shaped for ${settings.server} → set ARBOR_POLICY_SERVER=${detected}`);
}

const choicesOf = (raw: unknown): unknown[] => {
  const choices = (raw as { choices?: unknown } | undefined)?.choices;
  return Array.isArray(choices) ? choices : [];
};

function nRow(rows: Rows, settings: OpenAiPolicySettings, generations: Exchange[]): void {
  const asked = (e: Exchange) => (typeof e.body.n === 'number' ? e.body.n : 1);
  const served = generations.filter((e) => e.error === undefined && choicesOf(e.raw).length >= asked(e)).map(asked);
  const largest = served.length > 0 ? Math.max(...served) : 1;
  const refused = generations.filter((e) => e.error !== undefined && asked(e) > 1).map(asked);
  const short = generations.filter((e) => e.error === undefined && choicesOf(e.raw).length < asked(e));
  const capped = settings.maxN < PROBE_CANDIDATES ? ` (ARBOR_POLICY_MAX_N=${settings.maxN})` : '';
  if (refused.length > 0) {
    rows.add('n', 'warn', `n=${Math.max(...refused)} refused; largest that works: ${largest} → set ARBOR_POLICY_MAX_N=${largest}`);
  } else if (short.length > 0) {
    const first = short[0] as Exchange;
    rows.add('n', 'warn', `n=${asked(first)} answered with ${choicesOf(first.raw).length} choice(s); largest that works: ${largest} → set ARBOR_POLICY_MAX_N=${largest}`);
  } else {
    rows.add('n', 'ok', `n=${largest} honoured${capped}`);
  }
}

function logprobRow(rows: Rows, settings: OpenAiPolicySettings, generations: Exchange[]): void {
  if (settings.reasoning) {
    rows.add('logprobs', 'warn', 'reasoning model: none asked (such models refuse them); every step logprob is 0, MCTS priors are uniform');
    return;
  }
  if (!settings.logprobs) {
    rows.add('logprobs', 'warn', 'ARBOR_POLICY_LOGPROBS=false: every step logprob is 0, MCTS priors are uniform');
    return;
  }
  const choices = generations.filter((e) => e.error === undefined).flatMap((e) => choicesOf(e.raw)) as Array<{ logprobs?: unknown }>;
  const shaped = choices.filter((c) => {
    const lp = c.logprobs as { token_logprobs?: unknown; content?: unknown } | null | undefined;
    if (settings.api === 'completions') return Array.isArray(lp?.token_logprobs) && lp.token_logprobs.length > 0 && lp.token_logprobs.every((x) => typeof x === 'number');
    return Array.isArray(lp?.content) && lp.content.length > 0 && lp.content.every((t) => typeof (t as { logprob?: unknown }).logprob === 'number');
  });
  const shape = settings.api === 'completions' ? 'logprobs.token_logprobs' : 'logprobs.content';
  if (shaped.length === choices.length && choices.length > 0) rows.add('logprobs', 'ok', `token logprobs on all ${choices.length} choices (${shape})`);
  else if (shaped.length === 0) rows.add('logprobs', 'warn', `asked, but none came back in ${shape}: step logprobs are 0 → set ARBOR_POLICY_LOGPROBS=false or serve logprobs`);
  else rows.add('logprobs', 'warn', `token logprobs on ${shaped.length} of ${choices.length} choices (${shape})`);
}

async function chatContinueRow(rows: Rows, settings: OpenAiPolicySettings, call: () => Promise<{ candidates?: unknown[] | null }>, notices: string[]): Promise<void> {
  if (settings.api !== 'chat' || !settings.chatContinue) {
    rows.add('chat-continue', 'skip', settings.api === 'chat' ? 'ARBOR_POLICY_CHAT_CONTINUE=false' : 'ARBOR_POLICY_API=completions');
    return;
  }
  try {
    const reply = await call();
    const got = reply.candidates?.length ?? 0;
    if (notices.includes('policy_chat_prefix_trimmed') || got === 0) {
      rows.add('chat-continue', 'FAIL', 'continued steps came back empty: the chat template trims the message → set ARBOR_POLICY_CHAT_PREFIX=open (vLLM), or ARBOR_POLICY_API=completions');
    } else if (notices.includes('policy_chat_prefix_open')) {
      rows.add('chat-continue', 'warn', `the chat template trims the continued message; an open prefix gave ${got} steps → set ARBOR_POLICY_CHAT_PREFIX=open to start there`);
    } else {
      rows.add('chat-continue', 'ok', `a continued 1-step solution gave ${got} non-empty steps`);
    }
  } catch (err) {
    rows.add('chat-continue', 'FAIL', `${errorLine(err)}${hintFor(err, 'policy')}`);
  }
}

function cachedRow(rows: Rows, exchanges: Exchange[]): void {
  for (const e of exchanges) {
    const usage = (e.raw as { usage?: { prompt_tokens?: unknown; prompt_tokens_details?: { cached_tokens?: unknown } | null } } | undefined)?.usage;
    const cached = usage?.prompt_tokens_details?.cached_tokens;
    if (typeof cached === 'number') {
      rows.add('cached tokens', 'ok', `reported: ${cached} of ${String(usage?.prompt_tokens)} prompt tokens cached`);
      return;
    }
  }
  rows.add('cached tokens', 'warn', 'not reported (usage.prompt_tokens_details.cached_tokens); vLLM reports them with --enable-prompt-tokens-details');
}

// ---------------------------------------------------------------- value and reward

