// `arbor solve --task math` as a user runs it: a spawned CLI whose in-process stack is configured by the
// ARBOR_POLICY_* / ARBOR_REWARD_* variables, talking real HTTP to a fake model server in this test process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { proposeScripted, QUESTION, REFERENCE, RIGHT, scoreScripted } from './scripted-math-model.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

/** Runs the CLI without blocking this process, which must keep answering the fake server's HTTP. */
function arbor(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let fake: FakeModelServer;
let modelEnv: Record<string, string>;
beforeAll(async () => {
  fake = await startFakeModelServer({ '/v1/completions': proposeScripted, '/pooling': scoreScripted });
  modelEnv = {
    ARBOR_POLICY_BACKEND: 'openai',
    ARBOR_POLICY_BASE_URL: fake.baseUrl,
    ARBOR_POLICY_MODEL: 'fake/math-policy',
    ARBOR_REWARD_BACKEND: 'vllm-prm',
    ARBOR_REWARD_BASE_URL: fake.url,
    ARBOR_REWARD_MODEL: 'fake/prm',
    // The scripted PRM scores only the search's steps; the label-order check has its own tests (services/reward).
    ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
  };
});
afterAll(async () => {
  await fake?.close();
});

const BEAM = ['--algo', 'beam', '--param', 'beam_width=2', '--param', 'expansions_per_beam=2', '--param', 'use_value=false'];

describe('arbor solve --task math on real backends', () => {
  it('solves a question with the backends the environment names', async () => {
    const { code, stdout, stderr } = await arbor(['solve', '--task', 'math', '--question', QUESTION, '--reference', REFERENCE, ...BEAM, '--json'], modelEnv);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ question: QUESTION, reference: REFERENCE, answer: '43', solved: true, verifiable: true });
    expect(out.steps).toEqual(RIGHT);
    expect(out.stats.input_tokens).toBeGreaterThan(0);
  });

  it('reads a final answer in the MATH few-shot format and grades it against a reference in another form', async () => {
    // The same model, whose last step is written as evaluation harnesses prompt for it, running on into a next turn.
    const minerva = await startFakeModelServer({
      '/v1/completions': async (request) => {
        const reply = await proposeScripted(request);
        const text = JSON.stringify(reply).replaceAll('The answer is \\\\boxed{43}.', 'Final Answer: The final answer is $43$. I hope it is correct.<|im_end|><|im_start|>user');
        return JSON.parse(text) as typeof reply;
      },
      '/pooling': scoreScripted,
    });
    try {
      const env = { ...modelEnv, ARBOR_POLICY_BASE_URL: minerva.baseUrl, ARBOR_REWARD_BASE_URL: minerva.url };
      const { code, stdout } = await arbor(['solve', '--task', 'math', '--question', QUESTION, '--reference', '\\sqrt{1849}', ...BEAM, '--json'], env);
      expect(code).toBe(0);
      const out = JSON.parse(stdout);
      expect(out).toMatchObject({ answer: '43', solved: true, verifiable: true });
      expect(out.steps.at(-1)).toBe('Final Answer: The final answer is $43$. I hope it is correct.<|im_end|><|im_start|>user');
      // A wrong reference in the same form is not matched.
      const wrong = await arbor(['solve', '--task', 'math', '--question', QUESTION, '--reference', '\\sqrt{1850}', ...BEAM, '--json'], env);
      expect(JSON.parse(wrong.stdout)).toMatchObject({ answer: '43', solved: false, verifiable: true });
    } finally {
      await minerva.close();
    }
  });

  it('takes the same settings from an ARBOR_CONFIG_FILE, and prints a readable report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-math-'));
    const config = join(dir, 'arbor.json');
    writeFileSync(config, JSON.stringify(modelEnv));
    const { code, stdout } = await arbor(['solve', '--task', 'math', '--question', QUESTION, ...BEAM], { ARBOR_CONFIG_FILE: config });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^question A baker fills 6 trays/);
    expect(stdout).toContain('step 4   The answer is \\boxed{43}.');
    // Without --reference the answer cannot be checked, and the report says so instead of "not solved".
    expect(stdout).toMatch(/answer {3}43 {2}unverified \(no reference answer\)/);
  });

  it('refuses a config file with a misspelt setting, suggesting the right one', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'arbor-math-')), 'arbor.json');
    writeFileSync(config, JSON.stringify({ ...modelEnv, ARBOR_POLICY_TEMPRATURE: 0.2, NATS_URL: 'nats://127.0.0.1:4222' }));
    const { code, stdout, stderr } = await arbor(['solve', '--task', 'math', '--question', QUESTION], { ARBOR_CONFIG_FILE: config });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`arbor: ARBOR_CONFIG_FILE: "${config}": ARBOR_POLICY_TEMPRATURE is not an Arbor setting (did you mean ARBOR_POLICY_TEMPERATURE?)\n`);
    // A setting the file cannot carry is refused too, rather than ignored.
    writeFileSync(config, JSON.stringify({ ...modelEnv, LOG_LEVEL: 'debug' }));
    const envOnly = await arbor(['solve', '--task', 'math', '--question', QUESTION], { ARBOR_CONFIG_FILE: config });
    expect(envOnly.code).toBe(2);
    expect(envOnly.stderr).toBe(`arbor: ARBOR_CONFIG_FILE: "${config}": LOG_LEVEL is read from the environment only; set it there\n`);
  });

  it('stops at start with a message naming a missing setting', async () => {
    const { code, stdout, stderr } = await arbor(['solve', '--task', 'math', '--question', QUESTION], { ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_MODEL: 'm' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^arbor: .*ARBOR_POLICY_BASE_URL/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('arbor eval --task math on real backends', () => {
  it('runs a math dataset through the fake model server, checks answers against the references, and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-math-eval-'));
    const dataset = join(dir, 'problems.jsonl');
    // The same question twice, once with its right reference and once with a wrong one: one correct, one not.
    writeFileSync(dataset, `${JSON.stringify({ id: 'q-right', question: QUESTION, reference: REFERENCE })}\n${JSON.stringify({ id: 'q-wrong-ref', question: QUESTION, reference: '44' })}\n`);
    const out = join(dir, 'run');
    const args = ['eval', '--task', 'math', '--file', dataset, '--out', out, '--algo', 'beam', '--budgets', '64', '--param', 'beam.beam_width=2', '--param', 'beam.expansions_per_beam=2', '--param', 'beam.use_value=false'];
    const run = await arbor(args, modelEnv);
    expect(run.code).toBe(0);
    const lines = readFileSync(join(out, 'results', 'beam.steps-64.seed-1.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(Object.fromEntries(lines.map((l) => [l.problem_id, [l.answer, l.correct]]))).toEqual({ 'q-right': ['43', true], 'q-wrong-ref': ['43', false] });
    expect(run.stdout).toMatch(/^beam +64 steps +2 +50\.0%/m);
    const again = await arbor(args, modelEnv);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('2 of 2 results there, 0 to run');
    // A parameter for an algorithm not in the grid is refused, naming the form.
    const bad = await arbor([...args.slice(0, -6), '--param', 'mcts.simulations=4'], modelEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--param: expected ALGO.NAME=VALUE for an algorithm of --algo (beam)');
  });
});

