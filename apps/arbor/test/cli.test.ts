// The `arbor` CLI as a user runs it: a spawned process, its exit code, stdout and stderr.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getTask } from '@arbor/tasks';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const countdown = getTask('countdown');

function arbor(args: string[], timeout = 60_000) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout, env: { ...process.env, LOG_LEVEL: 'warn' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function isCorrect(numbers: string, answer: string, target = 24) {
  return countdown.verifyAnswer({ task: 'countdown', question: numbers, params: { target: String(target) } }, answer);
}

describe('arbor solve', () => {
  it('--json prints one object with a correct, checked expression', () => {
    const { code, stdout, stderr } = arbor(['solve', '--numbers', '4 9 10 13', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.solved).toBe(true);
    expect(isCorrect('4 9 10 13', out.answer)).toBe(true);
    expect(out.steps).toHaveLength(3);
    expect(out.steps[0]).toMatch(/^-?[\d/]+ [-+*/] -?[\d/]+ = -?[\d/]+ \(left: [-\d/ ]+\)$/);
    expect(Object.keys(out.stats).sort()).toEqual(
      ['cost_usd', 'expansions', 'generated_steps', 'input_tokens', 'invalid_steps', 'model_calls', 'nodes', 'output_tokens', 'wall_ms'].sort(),
    );
    expect(out.stats.expansions).toBeGreaterThan(0);
    expect(out.stop_reason).toMatch(/^[a-z_]+$/);
    expect(out.trace_id).toMatch(/^[0-9a-f]{32}$/);
    // The gRPC result's score and cost per service, which add up to the totals.
    expect(out.score).toBeGreaterThan(0);
    expect(out.cost.map((c: { service: string }) => c.service)).toEqual(['policy', 'value', 'reward']);
    expect(out.cost.reduce((sum: number, c: { calls: number }) => sum + c.calls, 0)).toBe(out.stats.model_calls);
    expect(out.cost.reduce((sum: number, c: { input_tokens: number }) => sum + c.input_tokens, 0)).toBe(out.stats.input_tokens);
  });

  it('labels an unsolved puzzle\'s answer as its best try, in the summary and in the table', () => {
    const one = arbor(['solve', '--numbers', '1 5 5 5', '--algo', 'beam', '--seed', '3']);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^best try \S+ {2}not solved$/m);
    expect(one.stdout).not.toMatch(/^answer /m);
  });

  it('gives the same answer for the same seed, with each algorithm and a non-default target', () => {
    for (const algo of ['bon', 'beam', 'mcts']) {
      const a = JSON.parse(arbor(['solve', '--numbers', '2 3 5 7 11', '--target', '100', '--algo', algo, '--seed', '3', '--json']).stdout);
      const b = JSON.parse(arbor(['solve', '--numbers', '2 3 5 7 11', '--target', '100', '--algo', algo, '--seed', '3', '--json']).stdout);
      expect(a.answer).toBe(b.answer);
      expect(a.stats.nodes).toBe(b.stats.nodes);
      if (a.solved) expect(isCorrect('2 3 5 7 11', a.answer, 100)).toBe(true);
    }
  });

  it('--param sets the chosen algorithm\'s proto fields, and --max-steps caps generated steps', () => {
    const out = JSON.parse(
      arbor(['solve', '--numbers', '1 1 1 1', '--algo', 'beam', '--param', 'beam_width=2', '--param', 'expansions_per_beam=3', '--json'])
        .stdout,
    );
    // Two beams of three candidates a level: at most 1 + 2 + 2 expansions for a 3-step puzzle.
    expect(out.stats.expansions).toBeLessThanOrEqual(5);
    const capped = JSON.parse(arbor(['solve', '--numbers', '1 1 1 1', '--max-steps', '30', '--json']).stdout);
    expect(capped.stop_reason).toBe('max_generated_steps');
  });

  it('--algo particle_filter solves with the embedded models: one single-step propose per particle and round', () => {
    const args = ['solve', '--numbers', '4 9 10 13', '--algo', 'particle_filter', '--param', 'particles=8', '--param', 'temperature=0.5', '--json'];
    const out = JSON.parse(arbor(args).stdout);
    expect(out.solved).toBe(true);
    expect(isCorrect('4 9 10 13', out.answer)).toBe(true);
    expect(out.stop_reason).toBe('solved');
    // 8 particles, 3 rounds (every countdown trajectory of 4 numbers takes 3 steps), one step each.
    expect(out.stats.expansions).toBe(24);
    expect(out.stats.generated_steps).toBe(24);
    // A score call per round, and with the server's value weighting an evaluate call per round but the last.
    expect(out.cost.map((c: { service: string; calls: number }) => [c.service, c.calls])).toEqual([
      ['policy', 24],
      ['value', 2],
      ['reward', 3],
    ]);
    const again = JSON.parse(arbor(args).stdout);
    expect(again.answer).toBe(out.answer);
    expect(again.stats.nodes).toBe(out.stats.nodes);
  });

  it('--budget caps expansions', () => {
    const out = JSON.parse(arbor(['solve', '--numbers', '1 1 1 1', '--budget', '3', '--json']).stdout);
    expect(out.solved).toBe(false);
    expect(out.stats.expansions).toBeLessThanOrEqual(3);
    expect(out.stop_reason).toBe('max_expansions');
  });

  it('--file solves every line and prints one JSON line per puzzle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-cli-'));
    const file = join(dir, 'puzzles.txt');
    writeFileSync(file, '# hard ones\n4 9 10 13\n\n1 5 5 5\n3 3 8 8\n');
    const { code, stdout } = arbor(['solve', '--file', file, '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.puzzle)).toEqual(['4 9 10 13', '1 5 5 5', '3 3 8 8']);
    for (const line of lines) expect(isCorrect(line.puzzle, line.answer)).toBe(line.solved);
  });

  it('--file without --json prints a summary table', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-cli-'));
    const file = join(dir, 'puzzles.txt');
    writeFileSync(file, '4 9 10 13\n1 1 1 1\n');
    const { code, stdout } = arbor(['solve', '--file', file, '--budget', '20']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/puzzle\s+solved\s+answer\s+expansions\s+model calls\s+tokens\s+cost\s+ms/);
    expect(stdout).toMatch(/solved 1\/2 \(50\.0%\)/);
  });

  it.each([
    [['solve', '--numbers', '4 x 10'], /^arbor: --numbers: number 2 is not a positive integer\n/],
    [['solve', '--numbers', ''], /^arbor: --numbers: /],
    [['solve', '--numbers', '1 2 3 4 5 6 7'], /^arbor: --numbers: .*(6|seven|7)/],
    [['solve', '--numbers', '4 9 10 13', '--budget', '-5'], /^arbor: --budget: must be between 1 and/],
    [['solve', '--numbers', '4 9 10 13', '--algo', 'astar'], /^arbor: --algo: unknown value "astar"/],
    [['solve', '--task', 'chess', '--numbers', '4 9 10 13'], /^arbor: --task: unknown value "chess"/],
    [['solve', '--numbers', '4 9 10 13', '--frobnicate'], /^arbor: unknown option --frobnicate; see --help\n$/],
    [['solve', '--numbrs', '4 9 10 13'], /^arbor: unknown option --numbrs \(did you mean --numbers\?\); see --help\n$/],
    [['slove', '--numbers', '4 9 10 13'], /^arbor: unknown command "slove" \(did you mean solve\?\); run arbor help\n$/],
    [['help', 'sovle'], /^arbor: no command "sovle" \(did you mean solve\?\); run arbor help\n$/],
    [['solve', '--numbers', '4 9 10 13', '--algo', 'mtcs'], /^arbor: --algo: unknown value "mtcs" \(did you mean mcts\?\); expected one of /],
    [['solve', '--numbers', '4'], /^arbor: --numbers: has 1 number; expected 2 to 6\n$/],
    [['solve', '--numbers', '4 9 10 13', '--target', '99999999999999999999'], /^arbor: --target: must be between -1000000000 and 1000000000, got 99999999999999999999\n$/],
    [['solve', '--numbers', '4 9 10 13', '--algo', 'beam', '--param', 'width=3'], /^arbor: --param: beam has no parameter "width"; width is a parameter of --algo rebase; its parameters: beam_width/],
    [['solve', '--numbers', '4 9 10 13', '--param', 'beam_width=4'], /^arbor: --param: mcts has no parameter "beam_width"; beam_width is a parameter of --algo beam; its parameters: simulations/],
    [['solve', '--numbers', '4 9 10 13', '--param', 'simulatons=4'], /^arbor: --param: mcts has no parameter "simulatons" \(did you mean simulations\?\)/],
    [['solve', '--numbers', '4 9 10 13', '--algo', 'beam', '--param', 'aggregation=mean'], /^arbor: --param aggregation: expected one of last, min, product/],
    [['solve'], /^arbor: give exactly one of --numbers/],
    [['solve', '--file', '/nonexistent/puzzles.txt'], /^arbor: --file: cannot read/],
    [['frobnicate'], /^arbor: unknown command "frobnicate"/],
    [['demo', '--task', 'math'], /^arbor: --task: arbor demo solves its own countdown puzzles; use arbor solve/],
    [['solve', '--task', 'math'], /^arbor: give exactly one of --question "TEXT", --file problems.jsonl or --samples/],
    [['solve', '--task', 'math', '--question', 'What is 2 + 2?', '--numbers', '1 2'], /^arbor: --numbers does not apply to --task math/],
    [['solve', '--numbers', '4 9 10 13', '--question', 'What is 2 + 2?'], /^arbor: --question does not apply to --task countdown/],
    [['solve', '--task', 'math', '--question', '   '], /^arbor: --question: /],
    [['solve', '--task', 'math', '--samples', '--reference', '4'], /^arbor: give exactly one of|^arbor: --reference goes with --question/],
  ])('rejects %j with one line and exit code 2', (args, message) => {
    const { code, stderr, stdout } = arbor(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('prints its version, refuses no command with the usage on stderr, and takes an algorithm in any case', () => {
    expect(arbor(['--version'])).toEqual({ code: 0, stdout: 'arbor 0.1.0\n', stderr: '' });
    const bare = arbor([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toBe('');
    expect(bare.stderr).toMatch(/^Usage: arbor <command> \[options\]/);
    const upper = arbor(['solve', '--numbers', '4 9 10 13', '--algo', 'MCTS', '--json']);
    expect(upper.code).toBe(0);
    expect(JSON.parse(upper.stdout).algorithm).toBe('mcts');
  });

  it('warns about an ARBOR_* variable no process reads, naming the closest setting, and goes on', () => {
    const result = spawnSync(process.execPath, [BIN, 'solve', '--numbers', '4 9 10 13', '--json'], {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'warn', ARBOR_POLICY_TEMPRATURE: '0.5', ARBOR_MY_KEY: 'x', ARBOR_VALUE_API_KEY_ENV: 'ARBOR_MY_KEY' },
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('arbor: warning: ARBOR_POLICY_TEMPRATURE is not an Arbor setting (did you mean ARBOR_POLICY_TEMPERATURE?); it is ignored\n');
    expect(JSON.parse(result.stdout).solved).toBe(true);
  });

  it('--out appends one JSON line per problem with its input line, and Ctrl-C prints what finished and exits 130', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-cli-out-'));
    const puzzles = join(dir, 'puzzles.txt');
    writeFileSync(puzzles, '# hard ones first\n4 9 10 13\n\n1 5 5 5\n3 3 8 8\n2 4 10 10\n2 7 8 11\n4 4 6 8\n');
    const out = join(dir, 'results.jsonl');
    const whole = arbor(['solve', '--file', puzzles, '--out', out]);
    expect(whole.code).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((l) => l.input_line).sort((a, b) => a - b)).toEqual([2, 4, 5, 6, 7, 8]);
    expect(lines.find((l) => l.input_line === 2)).toMatchObject({ puzzle: '4 9 10 13', solved: true });

    // A slow policy: the run is still going when Ctrl-C comes, after the first result is written.
    const interrupted = join(dir, 'interrupted.jsonl');
    const child = spawn(process.execPath, [BIN, 'solve', '--file', puzzles, '--out', interrupted], {
      env: { ...process.env, LOG_LEVEL: 'warn', ARBOR_POLICY_EMBEDDED_LATENCY_MS: '150' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let i = 0; i < 300 && !(existsSync(interrupted) && readFileSync(interrupted, 'utf8').includes('\n')); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const written = readFileSync(interrupted, 'utf8').trim().split('\n');
    const finished = Number(/interrupted: (\d+) of 6 problems finished/.exec(stderr)?.[1]);
    expect(finished).toBeGreaterThanOrEqual(1);
    expect(finished).toBeLessThan(6);
    expect(written).toHaveLength(finished);
    // The table shows exactly the finished ones, with the summary line.
    expect(stdout).toMatch(new RegExp(`solved \\d+/${finished} `));
    expect(stdout).toContain('4 9 10 13');
  });

  it('reports the line of a bad math problem file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'arbor-cli-'));
    const file = join(dir, 'problems.jsonl');
    writeFileSync(file, '{"question": "What is 2 + 2?", "reference": "4"}\nnot json\n');
    const { code, stderr } = arbor(['solve', '--task', 'math', '--file', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(`arbor: ${file}:2: expected one JSON object per line, e.g. {"question": "...", "reference": "42"}\n`);
  });

  it('refuses math on the embedded policy with a message naming the setting to change', () => {
    const { code, stderr } = arbor(['solve', '--task', 'math', '--question', 'What is 2 + 2?']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/problem\.task: the embedded policy serves "countdown" only, got "math"; for other tasks set ARBOR_POLICY_BACKEND=openai/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the model service, its URL and the cause when a model server is down, without a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = spawnSync(process.execPath, [BIN, 'solve', '--numbers', '4 9 10 13'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_BASE_URL: `http://127.0.0.1:${port}/v1`, ARBOR_POLICY_MODEL: 'm', ARBOR_POLICY_HTTP_MAX_ATTEMPTS: '1' },
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    // The CLI's own line (the orchestrator's log line, in JSON, may come before or after it).
    expect(lines.filter((line) => line.startsWith('arbor: '))).toHaveLength(1);
    expect(lines.find((line) => line.startsWith('arbor: '))).toMatch(
      new RegExp(`^arbor: unavailable: model service unavailable; search \\S+ stopped after \\d+ expansions with no answer: policy model server at http://127\\.0\\.0\\.1:${port}/v1 is unreachable: .*ECONNREFUSED`),
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    for (const line of lines) expect(line.length).toBeLessThan(800);
  });

  it('keeps --json output clean with the console span exporter, and says so when a collector never answers', async () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, 'solve', '--numbers', '4 9 10 13', '--json'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    const console = run({ OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none' });
    expect(console.status).toBe(0);
    expect(JSON.parse(console.stdout).solved).toBe(true);
    // The spans went to stderr instead.
    expect(console.stderr).toContain("name: 'search'");
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = run({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_METRICS_EXPORTER: 'none' });
    expect(unreachable.status).toBe(0);
    expect(JSON.parse(unreachable.stdout).solved).toBe(true);
    expect(unreachable.stderr).toMatch(/^arbor: warning: telemetry (did not finish exporting within 2 s|export failed: )/m);
  });

  it('reports an unreachable --server in one line with exit code 1', () => {
    const { code, stderr } = arbor(['solve', '--numbers', '4 9 10 13', '--server', '127.0.0.1:1', '--deadline-ms', '2000']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^arbor: server 127\.0\.0\.1:1: (unavailable|deadline_exceeded): /);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});

interface ServerProcess {
  /** The gRPC address it bound (the gateway's, for `serve gateway`). */
  address: string;
  /** The gateway's log line ("gateway listening": its address, the orchestrator it calls), when it runs one. */
  gateway?: { address: string; orchestrator: string };
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const GRPC_LISTENING = /"address":"(127\.0\.0\.1:\d+)".*gRPC server listening/;
const GATEWAY_LISTENING = /"address":"(127\.0\.0\.1:\d+)","orchestrator":"([^"]+)".*"msg":"gateway listening"/;

/**
 * Spawns `arbor serve ...` and waits for its "listening" log lines (gRPC, and the gateway's with `all` or
 * `gateway`) to learn the bound addresses.
 */
async function spawnServer(args: string[]): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], { env: { ...process.env, LOG_LEVEL: 'info' } });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const wantsGrpc = args[0] !== 'gateway';
  const wantsGateway = args[0] === 'gateway' || args[0] === 'all';
  const [grpcMatch, gatewayMatch] = await new Promise<[RegExpExecArray | null, RegExpExecArray | null]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${stderr}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found: [RegExpExecArray | null, RegExpExecArray | null] = [GRPC_LISTENING.exec(stderr), GATEWAY_LISTENING.exec(stderr)];
      if ((!wantsGrpc || found[0]) && (!wantsGateway || found[1])) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.on('exit', () => reject(new Error(`server exited early: ${stderr}`)));
  });
  return {
    address: (grpcMatch ?? gatewayMatch)![1]!,
    ...(gatewayMatch && { gateway: { address: gatewayMatch[1]!, orchestrator: gatewayMatch[2]! } }),
    stderr: () => stderr,
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function solveAgainst(address: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const client = spawn(process.execPath, [BIN, 'solve', '--numbers', '4 9 10 13', '--server', address, '--json']);
    let stdout = '';
    let stderr = '';
    client.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    client.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    client.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** POST /v1/chat/completions on a gateway: the status and the answer it names. */
async function askGateway(address: string, content: string): Promise<{ status: number; answer?: string }> {
  const response = await fetch(`http://${address}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'arbor-mcts', messages: [{ role: 'user', content }] }),
  });
  const body = (await response.json()) as { arbor?: { answer: string } };
  return { status: response.status, ...(body.arbor && { answer: body.arbor.answer }) };
}

describe('arbor serve', () => {
  it('serves all on one address that arbor solve --server uses, with the gateway in front, and stops on SIGTERM', async () => {
    const server = await spawnServer(['all', '--listen', '127.0.0.1:0', '--gateway-listen', '127.0.0.1:0']);
    let gatewayAlone: ServerProcess | undefined;
    try {
      const solved = await solveAgainst(server.address);
      expect(solved.stderr).toBe('');
      expect(solved.code).toBe(0);
      expect(isCorrect('4 9 10 13', JSON.parse(solved.stdout).answer)).toBe(true);
      // Its log names the gateway's address, and the orchestrator it calls: the port 0 this one bound.
      expect(server.gateway!.orchestrator).toBe(server.address);
      const models = await fetch(`http://${server.gateway!.address}/v1/models`);
      expect(models.status).toBe(200);
      expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['arbor-mcts', 'arbor-beam', 'arbor-bon']);
      const asked = await askGateway(server.gateway!.address, '3 3 8 8');
      expect(asked.status).toBe(200);
      expect(isCorrect('3 3 8 8', asked.answer!)).toBe(true);
      // `serve gateway` on its own, in front of that orchestrator.
      gatewayAlone = await spawnServer(['gateway', '--listen', '127.0.0.1:0', '--orchestrator-address', server.address]);
      expect(gatewayAlone.gateway).toEqual({ address: gatewayAlone.address, orchestrator: server.address });
      expect(gatewayAlone.stderr()).not.toMatch(/gRPC server listening/);
      expect((await fetch(`http://${gatewayAlone.address}/readyz`)).status).toBe(200);
      const viaAlone = await askGateway(gatewayAlone.address, '4 9 10 13');
      expect(viaAlone.status).toBe(200);
      expect(isCorrect('4 9 10 13', viaAlone.answer!)).toBe(true);
      expect(await gatewayAlone.stop()).toBe(0);
      expect(gatewayAlone.stderr()).toMatch(/"msg":"gateway stopped"/);
    } finally {
      await gatewayAlone?.stop();
      expect(await server.stop()).toBe(0);
      expect(server.stderr()).toMatch(/shutting down/);
    }
  });

  it('refuses --gateway-listen and --orchestrator-address without a gateway to apply them to', () => {
    for (const flag of ['--gateway-listen', '--orchestrator-address']) {
      const { code, stdout, stderr } = arbor(['serve', 'policy', flag, '127.0.0.1:0']);
      expect(code, flag).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(new RegExp(`^arbor: ${flag}[^\n]*gateway`));
    }
  });

  it('runs the four services as separate processes talking gRPC', async () => {
    const models = await Promise.all(['policy', 'value', 'reward'].map((name) => spawnServer([name, '--listen', '127.0.0.1:0'])));
    const [policy, value, reward] = models as [ServerProcess, ServerProcess, ServerProcess];
    const orchestrator = await spawnServer([
      'orchestrator',
      '--listen',
      '127.0.0.1:0',
      '--policy-address',
      policy.address,
      '--value-address',
      value.address,
      '--reward-address',
      reward.address,
    ]);
    try {
      const solved = await solveAgainst(orchestrator.address);
      expect(solved.code).toBe(0);
      const out = JSON.parse(solved.stdout);
      expect(isCorrect('4 9 10 13', out.answer)).toBe(true);
      // The orchestrator really depends on the policy process: without it the search cannot expand.
      expect(await policy.stop()).toBe(0);
      const without = await solveAgainst(orchestrator.address);
      expect(without.code).toBe(1);
      expect(without.stdout).toBe('');
      expect(without.stderr).toMatch(/^arbor: server 127\.0\.0\.1:\d+: unavailable: model service unavailable; search .* stopped after \d+ expansions with no answer$/m);
    } finally {
      expect(await orchestrator.stop()).toBe(0);
      for (const model of [value, reward]) expect(await model.stop()).toBe(0);
    }
  });

  it('reports a busy port in one line naming the address, with exit code 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const busy = `127.0.0.1:${port}`;
      const gateway = `${busy} (gateway, ARBOR_GATEWAY_LISTEN)`;
      const runs = [
        { args: ['serve', 'all', '--listen', busy, '--gateway-listen', '127.0.0.1:0'], env: {}, address: busy },
        // The gateway's HTTP listener says it the same way, naming its setting, alone or beside the orchestrator
        // (which then stops). Set by its variables (which the CLI knows: no warning line either).
        { args: ['serve', 'gateway'], env: { ARBOR_GATEWAY_LISTEN: busy, ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS: '127.0.0.1:1' }, address: gateway },
        { args: ['serve', 'all', '--listen', '127.0.0.1:0', '--gateway-listen', busy], env: { ARBOR_INPROC_WORKERS: '0' }, address: gateway },
        // Three services in one process: the one busy port stops them all, with the same one line.
        {
          args: ['serve', 'policy', 'value', 'reward'],
          env: { ARBOR_POLICY_LISTEN: '127.0.0.1:0', ARBOR_VALUE_LISTEN: busy, ARBOR_REWARD_LISTEN: '127.0.0.1:0' },
          address: busy,
        },
      ];
      for (const { args, env, address } of runs) {
        const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
        expect(result.status, args.join(' ')).toBe(1);
        expect(result.stdout).toBe('');
        expect(result.stderr).toBe(`arbor: unavailable: cannot listen on ${address}: the address is in use (another process listens there)\n`);
      }
    } finally {
      blocker.close();
    }
  });

  it('refuses a bad configuration at start with a message naming the variable', () => {
    const result = spawnSync(process.execPath, [BIN, 'serve', 'policy'], {
      encoding: 'utf8',
      env: { ...process.env, ARBOR_POLICY_SLIP_RATE: '2', ARBOR_POLICY_LISTEN: '127.0.0.1:0' },
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^arbor: invalid configuration: ARBOR_POLICY_SLIP_RATE: expected a number between 0 and 1 \(got "2"\)/);
  });
});
