// `arbor up` as a user runs it: real processes (nats-server, five replicas and the gateway), loopback only,
// bounded in time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as grpc from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect as connectNatsClient, errors as natsErrors } from '@nats-io/transport-node';
import { arborV1, jetStreamNames, jobSubjects, orchestratorInboxPrefix } from '@arbor/contracts';
import { freePort, natsAnswers, sleep, startNatsServer } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';
import { ensureNats, findNatsServer } from '../src/up/nats.js';
import { durableJobs, parseReplicas } from '../src/up/command.js';
import { ENDLESS, search } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** Resolves with the first match of `pattern` in the text `read` returns, polling until `timeoutMs`. */
async function waitFor(read: () => string, pattern: RegExp, timeoutMs: number, child: ChildProcess): Promise<RegExpExecArray> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const match = pattern.exec(read());
    if (match) return match;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${pattern} (exit code ${child.exitCode}) in:\n${read()}`);
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function threeFreePorts(): Promise<[number, number, number]> {
  const ports = new Set<number>();
  while (ports.size < 3) ports.add(await freePort());
  return [...ports] as [number, number, number];
}

interface Completion {
  choices: { finish_reason: string }[];
  arbor: { answer: string; stop_reason: string; expansions: number };
}

/** POST /v1/chat/completions through the gateway; the HTTP status and the completion. */
async function chat(gateway: string, content: string, arbor?: object): Promise<{ status: number; body: Completion }> {
  const response = await fetch(`http://${gateway}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'arbor-mcts', messages: [{ role: 'user', content }], ...(arbor && { arbor }) }),
  });
  return { status: response.status, body: (await response.json()) as Completion };
}

// Spawned processes on a 2-core machine: each test gets the full minute, well above what it needs (~15 s); the
// whole stack's, seven processes with the gateway started last, a minute and a half.
describe('arbor up', { timeout: 60_000 }, () => {
  it('starts its own NATS and every replica and the gateway, serves searches, restarts a killed replica, and stops cleanly', { timeout: 90_000 }, async () => {
    const [listenPort, natsPort, gatewayPort] = await threeFreePorts();
    const listen = `127.0.0.1:${listenPort}`;
    const gatewayListen = `127.0.0.1:${gatewayPort}`;
    const natsUrl = `nats://127.0.0.1:${natsPort}`;
    expect(await natsAnswers(natsUrl, 300)).toBe(false);

    // A slow policy keeps the search below running until the stack stops it.
    const up = spawn(process.execPath, [BIN, 'up', '--listen', listen, '--gateway-listen', gatewayListen, '--replicas', 'reward=2', '--nats-url', natsUrl], {
      env: { ...process.env, LOG_LEVEL: 'info', ARBOR_POLICY_EMBEDDED_LATENCY_MS: '50' },
    });
    let stdout = '';
    let stderr = '';
    up.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    up.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)));
    const pids = new Set<number>();
    try {
      await waitFor(() => stdout, /^Arbor is up: arbor solve --numbers "4 9 10 13" --server (\S+)$/m, 45_000, up);
      expect(stdout).toContain(`--server ${listen}\n`);
      const rows = new Map(
        [...stdout.matchAll(/^(orchestrator|gateway|(?:policy|value|reward)-\d+)\s+(\d+)\s+(127\.0\.0\.1:\d+)\s+(gRPC|HTTP)$/gm)].map((m) => [m[1]!, m]),
      );
      expect([...rows.keys()].sort()).toEqual(['gateway', 'orchestrator', 'policy-1', 'reward-1', 'reward-2', 'value-1']);
      expect(rows.get('orchestrator')![3]).toBe(listen);
      expect(rows.get('gateway')!.slice(3)).toEqual([gatewayListen, 'HTTP']);
      expect(stdout).toContain(`OpenAI-compatible API (gateway): http://${gatewayListen}/v1\n`);
      for (const row of rows.values()) pids.add(Number(row[2]));
      for (const pid of pids) expect(isAlive(pid)).toBe(true);
      expect(stdout).toContain(`NATS: ${natsUrl} (started by arbor up`);
      // Its own NATS runs JetStream, so the orchestrator runs durable jobs; the log says so.
      expect(stderr).toMatch(/^up\s+\| durable jobs on \(ARBOR_JOBS=on\): NATS at nats:\/\/127\.0\.0\.1:\d+ runs JetStream$/m);
      expect(await natsAnswers(natsUrl)).toBe(true);
      // Its NATS has a user per service: a client without credentials is refused.
      await expect(connectNatsClient({ servers: natsUrl, reconnect: false })).rejects.toBeInstanceOf(natsErrors.AuthorizationError);
      // Child logs reach stderr prefixed with the replica they come from.
      expect(stderr).toMatch(/^reward-2\s+\| \{.*"msg":"serving on NATS"/m);

      const solved = await run(['solve', '--numbers', '4 9 10 13', '--server', listen, '--json']);
      expect(solved.stderr).toBe('');
      expect(solved.code).toBe(0);
      expect(JSON.parse(solved.stdout)).toMatchObject({ solved: true, stop_reason: 'solved' });

      // The gateway, its own process, answers OpenAI's routes through the orchestrator (and its NATS replicas).
      const models = await fetch(`http://${gatewayListen}/v1/models`);
      expect(models.status).toBe(200);
      expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toEqual(['arbor-mcts', 'arbor-beam', 'arbor-bon']);
      expect((await fetch(`http://${gatewayListen}/readyz`)).status).toBe(200);
      const viaGateway = await chat(gatewayListen, '4 9 10 13');
      expect(viaGateway.status).toBe(200);
      expect(viaGateway.body.choices[0]!.finish_reason).toBe('stop');
      expect(viaGateway.body.arbor.stop_reason).toBe('solved');

      // A replica that dies is noticed, reported and replaced.
      process.kill(Number(rows.get('reward-1')![2]), 'SIGKILL');
      const restarted = await waitFor(() => stderr, /^up\s+\| reward-1 restarted: pid (\d+)/m, 30_000, up);
      pids.add(Number(restarted[1]));
      expect(stderr).toMatch(/reward-1 exited unexpectedly \(killed by SIGKILL\); restarting in 1 s/);
      const again = await run(['solve', '--numbers', '1 5 5 5', '--server', listen, '--json']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout).stop_reason).toMatch(/^[a-z_]+$/);

      // Ctrl-C with a search running, and one through the gateway: the orchestrator and the gateway stop first, and
      // both searches return with their best answer.
      const client = new (arborV1().SearchService)(listen, grpc.credentials.createInsecure());
      const running = search(client, { ...ENDLESS, seed: '3' });
      const runningViaGateway = chat(gatewayListen, 'Use 1 2 3 4 5 to make 1000', { algorithm: 'best_first', seed: '4', budget: { deadline_ms: 120_000, max_expansions: 1_000_000 } });
      await sleep(1_000);
      const stopStarted = Date.now();
      up.kill('SIGINT');
      const result = await running;
      client.close();
      expect(result.stopReason).toBe('STOP_REASON_SHUTDOWN');
      expect(Number(result.stats?.expansions)).toBeGreaterThan(0);
      const gatewayResult = await runningViaGateway;
      expect(gatewayResult.status).toBe(200);
      expect(gatewayResult.body.arbor.stop_reason).toBe('shutdown');
      expect(gatewayResult.body.arbor.expansions).toBeGreaterThan(0);
      expect(await exited).toBe(0);
      expect(Date.now() - stopStarted).toBeLessThan(15_000);
      for (const pid of pids) expect(isAlive(pid), `pid ${pid} outlived arbor up`).toBe(false);
      expect(await natsAnswers(natsUrl, 500)).toBe(false);
    } finally {
      // Whatever failed above, leave nothing running.
      if (up.exitCode === null) up.kill('SIGKILL');
      for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it.each([['reward=0'], ['bogus=2'], ['reward'], ['policy=17']])('refuses --replicas %s with one line and exit code 2', (value) => {
    const result = spawnSync(process.execPath, [BIN, 'up', '--replicas', value], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^arbor: --replicas: /);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reads --replicas as a list or as repeated flags, one replica each by default', () => {
    expect(parseReplicas()).toEqual({ policy: 1, value: 1, reward: 1 });
    expect(parseReplicas(['policy=2,value=1,reward=3'])).toEqual({ policy: 2, value: 1, reward: 3 });
    expect(parseReplicas(['reward=3', 'policy=16'])).toEqual({ policy: 16, value: 1, reward: 3 });
  });
});

describe('NATS for arbor up', { timeout: 60_000 }, () => {
  it('uses a server that already answers and starts none, and reads from its INFO whether it runs JetStream', async () => {
    const binary = findNatsServer(process.env) ?? 'nats-server';
    const store = mkdtempSync(join(tmpdir(), 'arbor-up-test-js-'));
    const [core, withJetStream] = await Promise.all([startNatsServer({ binary }), startNatsServer({ binary, args: ['--jetstream', '--store_dir', store] })]);
    try {
      const found = await ensureNats(core.url, process.env);
      expect(found).toEqual({ url: core.url, jetstream: false });
      expect(durableJobs(found, {}).setting).toBe('off');
      expect(durableJobs(found, {}).note).toBe(`durable jobs off (ARBOR_JOBS=off): NATS at ${core.url} does not run JetStream (nats-server --jetstream)`);
      const js = await ensureNats(withJetStream.url, process.env);
      expect(js).toEqual({ url: withJetStream.url, jetstream: true });
      expect(durableJobs(js, {})).toEqual({ setting: 'on', note: `durable jobs on (ARBOR_JOBS=on): NATS at ${withJetStream.url} runs JetStream` });
      // The environment's choice stands, with a word when it cannot work.
      expect(durableJobs(js, { ARBOR_JOBS: 'off' }).setting).toBe('off');
      expect(durableJobs(found, { ARBOR_JOBS: 'on' })).toEqual({ setting: 'on', note: 'durable jobs: ARBOR_JOBS=on, from the environment, but this NATS server does not run JetStream' });
    } finally {
      await Promise.all([core.stop(), withJetStream.stop()]);
      rmSync(store, { recursive: true, force: true });
    }
  });

  it('starts its own server with JetStream, which the orchestrator\'s user can use, and removes the store on stop', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const nats = await ensureNats(url, process.env);
    try {
      expect(nats).toMatchObject({ url, jetstream: true });
      expect(existsSync(nats.storeDir!)).toBe(true);
      const nc = await connectNatsClient({ servers: url, reconnect: false, user: 'orchestrator', pass: nats.passwords!.orchestrator, inboxPrefix: orchestratorInboxPrefix() });
      try {
        const jsm = await jetstreamManager(nc);
        const { workStream } = jetStreamNames();
        expect((await jsm.streams.add({ name: workStream, subjects: [`${jobSubjects().work}.>`] })).config.name).toBe(workStream);
      } finally {
        await nc.close();
      }
    } finally {
      await nats.started?.stop();
    }
    expect(existsSync(nats.storeDir!)).toBe(false);
    expect(await natsAnswers(url, 300)).toBe(false);
  });

  it('says how to install nats-server when nothing answers and it is missing', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const failure = ensureNats(url, { PATH: '/nonexistent' }, []);
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    await expect(failure).rejects.toThrow(/^no NATS server answers at nats:\/\/127\.0\.0\.1:\d+ and nats-server is not installed; install it \(apt-get install nats-server\)/);
  });
});
