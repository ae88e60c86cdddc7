// `arbor doctor`'s checks of the value and reward backends: the real judge or PRM, built from the same settings,
// scoring a known-right and a known-wrong step; decisive judgments, PRM rows well formed and in label order.
import type { Judge } from '@arbor/judge';
import { ConfigError, type EnvSource } from '@arbor/kit';
import { isArborError } from '@arbor/kit/errors';
import { createRewardBackend, labelCheckProblem, labelCheckScores, readRewardConfig, rewardServerSettings, type RewardConfig } from '@arbor/reward';
import { createValueBackend, readValueConfig, type ValueConfig } from '@arbor/value';
import { errorLine, ms, where, type Row } from './probes.js';
import { type DoctorOptions, PROBE_PROBLEM, RIGHT_STEP, WRONG_STEP, trajectory, quiet, prefix, Rows, hintFor, type ServerFacts, serverRows, skipRest } from './server-rows.js';

function judgeServerRow(rows: Rows, service: 'value' | 'reward', setting: string, facts: ServerFacts, setup: Awaited<ReturnType<Judge['setup']>> | undefined): void {
  const p = prefix(service);
  const shape = setup ? `; ${setup.api}, ${setup.dialect.stringPrompt ? 1 : 64} prompt(s) per request, ${setup.api === 'chat' ? setup.dialect.chatTopLogprobs : setup.dialect.completionsLogprobs} top logprobs` : '';
  const { detected, how } = facts;
  if (detected === undefined) {
    rows.add('server', 'warn', `could not tell the server's kind (${p}SERVER=${setting})${shape}`);
  } else if (setting !== 'auto' && detected !== 'other' && detected !== setting) {
    rows.add('server', 'warn', `${detected} (${how}), but ${p}SERVER=${setting}${shape} → set ${p}SERVER=${detected}`);
  } else if (detected === 'other' && setting === 'auto') {
    rows.add('server', 'warn', `not recognised (${how}): one prompt per request${shape} → set ${p}SERVER if it is vLLM, SGLang or llama.cpp`);
  } else {
    rows.add('server', 'ok', `${detected} (${how})${shape}`);
  }
}

/** judge (decisive on a known-right and a known-wrong step) and latency, for an openai-judge backend. */
async function judgeRows(rows: Rows, service: 'value' | 'reward', facts: ServerFacts, judge: Judge | undefined, call: (signal: AbortSignal) => Promise<[number, number]>, options: DoctorOptions): Promise<void> {
  const p = prefix(service);
  const started = performance.now();
  let right: number;
  let wrong: number;
  try {
    [right, wrong] = await call(AbortSignal.timeout(options.timeoutMs));
  } catch (err) {
    rows.add('judge', 'FAIL', `${errorLine(err)}${hintFor(err, service, facts.detected)}`);
    rows.add('latency', 'skip', 'the call failed');
    return;
  }
  const took = ms(started);
  const undecided = judge?.stats.undecided ?? 0;
  const shown = `P(yes) ${right.toFixed(2)} for a right step, ${wrong.toFixed(2)} for a wrong one`;
  if (undecided >= 2) {
    rows.add('judge', 'FAIL', `answered neither yes nor no to either probe (a thinking model?) → set ${p}API=completions, or serve a model without thinking`);
  } else if (undecided > 0) {
    rows.add('judge', 'warn', `answered neither yes nor no to ${undecided} of 2 probes; ${shown}`);
  } else if (!(right > wrong)) {
    rows.add('judge', 'warn', `not decisive: ${shown}; a weak judge model? (check ${p}MODEL)`);
  } else {
    rows.add('judge', 'ok', `decisive: ${shown}`);
  }
  rows.add('latency', 'ok', `${took} ms for one call of 2 prompts`);
}

/** A backend built on the shared judge exposes it, for the rows that read its setup. */
type JudgeBacked = { judge?: Judge };

export async function checkValue(env: EnvSource, options: DoctorOptions): Promise<Row[]> {
  const rows = new Rows('value');
  let config: ValueConfig;
  try {
    config = readValueConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    rows.add('config', 'FAIL', err.message);
    return rows.rows;
  }
  if (config.ARBOR_VALUE_BACKEND === 'embedded') {
    rows.add('backend', 'ok', 'embedded: nothing to check');
    return rows.rows;
  }
  config = { ...config, ARBOR_VALUE_HTTP_TIMEOUT_MS: Math.min(config.ARBOR_VALUE_HTTP_TIMEOUT_MS, options.timeoutMs) };
  const backend = createValueBackend(config);
  const items = [RIGHT_STEP, WRONG_STEP].map((step) => ({ problem: PROBE_PROBLEM, state: trajectory(step) }));
  if (config.ARBOR_VALUE_BACKEND === 'http') {
    const started = performance.now();
    try {
      const { values } = await backend.evaluate(items, AbortSignal.timeout(options.timeoutMs));
      rows.add('call', 'ok', `${where(config.ARBOR_VALUE_BASE_URL ?? '')} scored 2 probe states: ${values.map((v) => v.toFixed(2)).join(', ')}`);
      rows.add('latency', 'ok', `${ms(started)} ms for one call of 2 states`);
    } catch (err) {
      rows.add('call', 'FAIL', `${errorLine(err)}${hintFor(err, 'value')}`);
    }
    return rows.rows;
  }
  const facts = await serverRows(rows, 'value', config.ARBOR_VALUE_BASE_URL ?? '', config.ARBOR_VALUE_MODEL.trim(), config.apiKey(), options);
  if (!facts.reachable) {
    skipRest(rows, ['judge', 'latency']);
    return rows.rows;
  }
  const judge = (backend as JudgeBacked).judge;
  await backend.start?.(quiet(), AbortSignal.timeout(options.timeoutMs));
  const setup = await judge?.setup(AbortSignal.timeout(options.timeoutMs)).catch(() => undefined);
  judgeServerRow(rows, 'value', config.ARBOR_VALUE_SERVER, facts, setup);
  await judgeRows(rows, 'value', facts, judge, async (signal) => {
    const { values } = await backend.evaluate(items, signal);
    return [values[0] ?? Number.NaN, values[1] ?? Number.NaN];
  }, options);
  return rows.rows;
}

export async function checkReward(env: EnvSource, options: DoctorOptions): Promise<Row[]> {
  const rows = new Rows('reward');
  let config: RewardConfig;
  try {
    config = readRewardConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    rows.add('config', 'FAIL', err.message);
    return rows.rows;
  }
  const backendName = config.ARBOR_REWARD_BACKEND;
  if (backendName === 'embedded' || backendName === 'math-verify') {
    rows.add('backend', 'ok', `${backendName === 'embedded' ? 'embedded' : 'math-verify (rule-based)'}: nothing to check`);
    return rows.rows;
  }
  // The PRM's label-order check is run here as a check of its own, so the backend is built without it.
  config = { ...config, ARBOR_REWARD_HTTP_TIMEOUT_MS: Math.min(config.ARBOR_REWARD_HTTP_TIMEOUT_MS, options.timeoutMs), ARBOR_REWARD_PRM_LABEL_CHECK: false, ARBOR_REWARD_VERIFY_OUTCOME: false };
  const labelCheck = readRewardConfig(env).ARBOR_REWARD_PRM_LABEL_CHECK;
  const backend = createRewardBackend(config);
  const facts = await serverRows(rows, 'reward', config.ARBOR_REWARD_BASE_URL ?? '', config.ARBOR_REWARD_MODEL.trim(), config.apiKey(), options);
  const later = backendName === 'vllm-prm' ? ['rows', 'label order', 'latency'] : ['judge', 'latency'];
  if (!facts.reachable) {
    skipRest(rows, later);
    return rows.rows;
  }
  const judge = (backend as JudgeBacked).judge;
  await backend.start?.(quiet(), AbortSignal.timeout(options.timeoutMs));
  const setup = await judge?.setup(AbortSignal.timeout(options.timeoutMs)).catch(() => undefined);
  const prm = rewardServerSettings(config).prm;
  if (backendName === 'vllm-prm' && prm.route === 'pooling') {
    rows.add('server', facts.detected === undefined || facts.detected === 'vllm' ? 'ok' : 'warn', `${facts.detected ?? 'unknown'}${facts.how ? ` (${facts.how})` : ''}; the ${prm.preset} preset posts to vLLM's /pooling`);
  } else {
    judgeServerRow(rows, 'reward', config.ARBOR_REWARD_SERVER, facts, setup);
  }

  if (backendName === 'openai-judge') {
    await judgeRows(rows, 'reward', facts, judge, async (signal) => {
      const { rewards } = await backend.score([RIGHT_STEP, WRONG_STEP].map((step) => ({ problem: PROBE_PROBLEM, trajectory: trajectory(step) })), signal);
      return [Number(rewards[0]?.stepRewards?.[0]), Number(rewards[1]?.stepRewards?.[0])];
    }, options);
    return rows.rows;
  }

  // vllm-prm: rows well formed (one score per step, of the preset's labels), label order sane.
  const started = performance.now();
  let scores;
  try {
    scores = await labelCheckScores(backend, AbortSignal.timeout(options.timeoutMs));
  } catch (err) {
    const named = /ARBOR_[A-Z_]+/.test(errorLine(err)) ? '' : isArborError(err) && err.kind !== 'unavailable' ? ' → check ARBOR_REWARD_PRM_PRESET and how the model is served' : hintFor(err, 'reward', facts.detected);
    rows.add('rows', 'FAIL', `${errorLine(err)}${named}`);
    rows.add('label order', 'skip', 'no rows to read');
    rows.add('latency', 'skip', 'the call failed');
    return rows.rows;
  }
  const took = ms(started);
  rows.add('rows', 'ok', `one ${prm.route === 'pooling' ? `row of ${prm.labels} labels` : '+/- verdict'} per step for ${2 * scores.length} probe solutions (${prm.preset})`);
  const problem = labelCheckProblem(scores, prm);
  const shown = scores.map((s) => `${s.right.toFixed(3)} vs ${s.wrong.toFixed(3)}`).join(', ');
  if (problem === undefined) rows.add('label order', 'ok', `correct above wrong: ${shown}`);
  else rows.add('label order', labelCheck ? 'FAIL' : 'warn', `${labelCheck ? '' : 'ARBOR_REWARD_PRM_LABEL_CHECK=false, but '}${problem}`);
  rows.add('latency', 'ok', `${took} ms for one call of 4 probe solutions`);
  return rows.rows;
}
