// `arbor doctor` against the fake model server behaving as each server does (vLLM, SGLang, new and old llama.cpp,
// Ollama, OpenAI with a reasoning model), a PRM with its labels reversed, a server that is down and a model that is
// not served: the exit code, and the rows that say what to change.
import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { emulatedServerRoutes, qwenPrmRows, startFakeModelServer, startFakeModelServerForTest, type EmulatedServer, type EmulationOptions } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { Row } from '../src/doctor/probes.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const PRM = 'Qwen/Qwen2.5-Math-PRM-7B';

function sink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function doctor(env: Record<string, string>, ...args: string[]) {
  const out = sink();
  const err = sink();
  const code = await main(['doctor', '--json', '--timeout-ms', '5000', ...args], { stdout: out.stream, stderr: err.stream, env });
  const report = JSON.parse(out.text()) as { ok: boolean; rows: Row[] };
  const row = (service: string, check: string) => report.rows.find((r) => r.service === service && r.check === check);
  return { code, report, row, stdout: out.text(), stderr: err.text() };
}

async function emulated(kind: EmulatedServer, options: EmulationOptions = {}) {
  return startFakeModelServerForTest(emulatedServerRoutes(kind, options));
}

const policyOn = (baseUrl: string, extra: Record<string, string> = {}) => ({
  ARBOR_POLICY_BACKEND: 'openai',
  ARBOR_POLICY_BASE_URL: baseUrl,
  ARBOR_POLICY_MODEL: 'fake-model',
  ARBOR_POLICY_HTTP_MAX_ATTEMPTS: '1',
  ...extra,
});
const valueOn = (baseUrl: string, extra: Record<string, string> = {}) => ({
  ARBOR_VALUE_BACKEND: 'openai-judge',
  ARBOR_VALUE_BASE_URL: baseUrl,
  ARBOR_VALUE_MODEL: 'fake-model',
  ARBOR_VALUE_HTTP_MAX_ATTEMPTS: '1',
  ...extra,
});
const prmOn = (baseUrl: string, extra: Record<string, string> = {}) => ({
  ARBOR_REWARD_BACKEND: 'vllm-prm',
  ARBOR_REWARD_BASE_URL: baseUrl,
  ARBOR_REWARD_MODEL: PRM,
  ARBOR_REWARD_HTTP_MAX_ATTEMPTS: '1',
  ...extra,
});

describe('arbor doctor', () => {
  it('vLLM: every check passes, with no key or probe text in the output', async () => {
    const server = await startFakeModelServerForTest({ ...emulatedServerRoutes('vllm', { models: ['fake-model', PRM] }), '/pooling': qwenPrmRows() });
    const env = { ...policyOn(server.baseUrl, { ARBOR_POLICY_SERVER: 'vllm', ARBOR_POLICY_API_KEY_ENV: 'DOCTOR_TEST_KEY' }), DOCTOR_TEST_KEY: 'sk-very-secret', ...valueOn(server.baseUrl), ...prmOn(server.baseUrl) };
    const { code, report, row, stdout } = await doctor(env);
    expect(code).toBe(0);
    expect(report.rows.filter((r) => r.result !== 'ok' && r.result !== 'skip')).toEqual([]);
    expect(row('policy', 'n')?.detail).toBe('n=8 honoured');
    expect(row('policy', 'logprobs')?.detail).toContain('logprobs.token_logprobs');
    expect(row('policy', 'cached tokens')?.detail).toContain('32 of 40 prompt tokens cached');
    expect(row('policy', 'latency')?.detail).toMatch(/^\d+ ms for one call of 8 candidates$/);
    expect(row('value', 'server')?.detail).toContain('vllm (GET /models says owned_by vllm)');
    expect(row('value', 'judge')?.detail).toBe('decisive: P(yes) 0.90 for a right step, 0.10 for a wrong one');
    expect(row('reward', 'label order')?.result).toBe('ok');
    expect(stdout).not.toContain('sk-very-secret');
    expect(stdout).not.toContain('6 times 7');
    expect(server.requestsTo('/v1/completions').every((r) => r.headers.authorization === undefined || r.headers.authorization === 'Bearer sk-very-secret')).toBe(true);
  });

  it('prints a table by default', async () => {
    const server = await emulated('vllm');
    const out = sink();
    const code = await main(['doctor', '--service', 'policy'], { stdout: out.stream, stderr: sink().stream, env: policyOn(server.baseUrl) });
    expect(code).toBe(0);
    expect(out.text()).toMatch(/^service\s+check\s+result\s+detail\n/);
    expect(out.text()).toMatch(/policy\s+n\s+ok\s+n=8 honoured/);
    expect(out.text()).toContain('all checks passed');
  });

  it('SGLang: continued chat gives steps, the judge is told by GET /models; cached tokens unreported is a warning', async () => {
    const server = await emulated('sglang');
    const env = { ...policyOn(server.baseUrl, { ARBOR_POLICY_SERVER: 'sglang', ARBOR_POLICY_API: 'chat', ARBOR_POLICY_CHAT_CONTINUE: 'true' }), ...valueOn(server.baseUrl) };
    const { code, row } = await doctor(env, '--service', 'policy', '--service', 'value');
    expect(code).toBe(0);
    expect(row('policy', 'chat-continue')).toMatchObject({ result: 'ok', detail: expect.stringContaining('non-empty steps') });
    expect(row('policy', 'logprobs')?.detail).toContain('logprobs.content');
    expect(row('policy', 'cached tokens')?.result).toBe('warn');
    expect(row('value', 'server')).toMatchObject({ result: 'ok', detail: expect.stringContaining('sglang') });
    expect(row('reward', 'backend')).toBeUndefined();
  });

  it('new llama.cpp: n capped at its slots is a warning naming the largest n that works', async () => {
    const server = await emulated('llama.cpp', { slots: 4 });
    const { code, row } = await doctor(policyOn(server.baseUrl), '--service', 'policy');
    expect(code).toBe(0);
    expect(row('policy', 'n')).toEqual({ service: 'policy', check: 'n', result: 'warn', detail: 'n=8 refused; largest that works: 4 → set ARBOR_POLICY_MAX_N=4' });
    expect(row('policy', 'server')).toMatchObject({ result: 'warn', detail: expect.stringContaining('set ARBOR_POLICY_SERVER=llama.cpp') });
    expect(row('policy', 'call')?.result).toBe('ok');
  });

  it('old llama.cpp: any n above 1 refused', async () => {
    const server = await emulated('llama.cpp-old');
    const { code, row } = await doctor(policyOn(server.baseUrl, { ARBOR_POLICY_SERVER: 'llama.cpp' }), '--service', 'policy');
    expect(code).toBe(0);
    expect(row('policy', 'n')?.detail).toBe('n=8 refused; largest that works: 1 → set ARBOR_POLICY_MAX_N=1');
  });

  it('Ollama: one choice whatever n asks; the judge is told by /api/version and sends string prompts', async () => {
    const server = await emulated('ollama');
    const env = { ...policyOn(server.baseUrl, { ARBOR_POLICY_SERVER: 'ollama', ARBOR_POLICY_API: 'chat' }), ...valueOn(server.baseUrl) };
    const { code, row } = await doctor(env, '--service', 'policy', '--service', 'value');
    expect(code).toBe(0);
    expect(row('policy', 'n')?.detail).toBe('n=8 answered with 1 choice(s); largest that works: 1 → set ARBOR_POLICY_MAX_N=1');
    expect(row('value', 'server')).toMatchObject({ result: 'ok', detail: expect.stringContaining('ollama (it answers GET /api/version); completions, 1 prompt(s) per request') });
    expect(row('value', 'judge')?.result).toBe('ok');
  });

  it('Ollama behind a judge set for vLLM: FAIL naming the server setting', async () => {
    const server = await emulated('ollama');
    const { code, row } = await doctor(valueOn(server.baseUrl, { ARBOR_VALUE_SERVER: 'vllm' }), '--service', 'value');
    expect(code).toBe(1);
    expect(row('value', 'server')).toMatchObject({ result: 'warn', detail: expect.stringContaining('→ set ARBOR_VALUE_SERVER=ollama') });
    expect(row('value', 'judge')).toMatchObject({ result: 'FAIL', detail: expect.stringContaining('→ set ARBOR_VALUE_SERVER=ollama') });
  });

  it('OpenAI with a reasoning model: no logprobs asked (a warning); told it is not one, FAIL naming ARBOR_POLICY_REASONING', async () => {
    const server = await emulated('openai', { reasoning: true, models: ['o4-mini'] });
    const env = policyOn(server.baseUrl, { ARBOR_POLICY_SERVER: 'openai', ARBOR_POLICY_API: 'chat', ARBOR_POLICY_MODEL: 'o4-mini' });
    const right = await doctor(env, '--service', 'policy');
    expect(right.code).toBe(0);
    expect(right.row('policy', 'logprobs')).toMatchObject({ result: 'warn', detail: expect.stringContaining('reasoning model: none asked') });
    expect(right.row('policy', 'call')?.result).toBe('ok');

    const wrong = await doctor({ ...env, ARBOR_POLICY_REASONING: 'false' }, '--service', 'policy');
    expect(wrong.code).toBe(1);
    expect(wrong.row('policy', 'call')).toMatchObject({ result: 'FAIL', detail: expect.stringMatching(/Unsupported parameter: 'logprobs'.*→ a reasoning model: set ARBOR_POLICY_REASONING=true/) });
  });

  it('a PRM whose labels come out reversed: FAIL naming the label settings', async () => {
    const server = await startFakeModelServerForTest({ ...emulatedServerRoutes('vllm', { models: [PRM] }), '/pooling': qwenPrmRows({ swap: true }) });
    const { code, row } = await doctor(prmOn(server.baseUrl), '--service', 'reward');
    expect(code).toBe(1);
    expect(row('reward', 'rows')?.result).toBe('ok');
    expect(row('reward', 'label order')).toMatchObject({ result: 'FAIL', detail: expect.stringContaining('check ARBOR_REWARD_PRM_POSITIVE_INDEX (reading 1)') });
    expect(row('reward', 'label order')?.detail).toContain('ARBOR_REWARD_PRM_LABEL_CHECK');
  });

  it('a server that is down: FAIL naming ARBOR_POLICY_BASE_URL, the rest skipped', async () => {
    const gone = await startFakeModelServer();
    await gone.close();
    const { code, row, report } = await doctor(policyOn(gone.baseUrl), '--service', 'policy');
    expect(code).toBe(1);
    expect(row('policy', 'reachable')).toMatchObject({ result: 'FAIL', detail: expect.stringMatching(/ECONNREFUSED.*→ check ARBOR_POLICY_BASE_URL$/) });
    expect(report.rows.filter((r) => r.check !== 'reachable').every((r) => r.result === 'skip')).toBe(true);
  });

  it('a model the server does not serve: FAIL naming ARBOR_POLICY_MODEL', async () => {
    const server = await emulated('vllm', { models: ['Qwen/Qwen2.5-7B-Instruct'] });
    const { code, row } = await doctor(policyOn(server.baseUrl), '--service', 'policy');
    expect(code).toBe(1);
    expect(row('policy', 'model')).toEqual({ service: 'policy', check: 'model', result: 'FAIL', detail: '"fake-model" is not served (it serves "Qwen/Qwen2.5-7B-Instruct") → set ARBOR_POLICY_MODEL' });
  });

  it('a model name llama.cpp does not list is a warning (it answers any name), and Ollama\'s ":latest" counts as served', async () => {
    const llama = await emulated('llama.cpp', { models: ['qwen2.5-7b-instruct-q4_k_m.gguf'] });
    const onLlama = await doctor(policyOn(llama.baseUrl), '--service', 'policy');
    expect(onLlama.row('policy', 'model')).toMatchObject({ result: 'warn', detail: expect.stringContaining('→ check ARBOR_POLICY_MODEL') });
    expect(onLlama.row('policy', 'call')?.result).not.toBe('skip');
    const ollama = await emulated('ollama', { models: ['fake-model:latest'] });
    const onOllama = await doctor(policyOn(ollama.baseUrl), '--service', 'policy');
    expect(onOllama.row('policy', 'model')).toEqual({ service: 'policy', check: 'model', result: 'ok', detail: '"fake-model" is served' });
  });

  it('a setting that cannot work is a FAIL row, not a usage error', async () => {
    const { code, row } = await doctor({ ARBOR_POLICY_BACKEND: 'openai' }, '--service', 'policy');
    expect(code).toBe(1);
    expect(row('policy', 'config')).toMatchObject({ result: 'FAIL', detail: expect.stringContaining('ARBOR_POLICY_BASE_URL: required') });
  });

  it('refuses an unknown service with exit 2', async () => {
    const err = sink();
    expect(await main(['doctor', '--service', 'orchestrator'], { stdout: sink().stream, stderr: err.stream, env: {} })).toBe(2);
    expect(err.text()).toContain('--service');
  });

  it('as a process, with the embedded defaults: nothing to check, exit 0', () => {
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const run = spawnSync(process.execPath, [BIN, 'doctor'], { encoding: 'utf8', timeout: 60_000, env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.match(/embedded: nothing to check/g)).toHaveLength(3);
  });
});
