// Durable jobs and searches reachable from any replica, for real: a nats-server with JetStream of the test's own,
// two `arbor serve all` processes with ARBOR_JOBS=on as two orchestrator replicas, one SIGKILLed in the middle
// of a job. Every problem must be answered exactly once; GetTree and CancelSearch must work through the replica
// that did not run the search, for a running search and for a finished one whose replica is gone. The server
// runs the shipped NATS users and permissions, and the replicas log in as the orchestrator user: whatever jobs
// do on JetStream, those permissions must allow.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '@nats-io/transport-node';
import { arborV1, jetStreamNames, orchestratorInboxPrefix, type JobResult__Output, type SearchResult__Output, type Tree__Output } from '@arbor/contracts';
import { freePort, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { testNamespace } from '@arbor/testing';
import { natsAuthorization, natsPasswordVariable, natsUserName, newNatsPasswords, NATS_USERS } from '../src/nats-config/authorization.js';
import { jobClient } from '../src/cli/job-client.js';
import { startArbor, type ServiceProcess } from '../src/serve-process.js';

let nats: NatsServerProcess;
let storeDir: string;
const namespace = testNamespace();
const replicas: ServiceProcess[] = [];
const passwords = newNatsPasswords();

const ENV = {
  ...process.env,
  ARBOR_NATS_NAMESPACE: namespace,
  NATS_USER: natsUserName('orchestrator', namespace),
  NATS_PASSWORD: passwords.orchestrator,
  ARBOR_JOBS: 'on',
  // Short, so that a killed replica's problems come back within the test's time.
  ARBOR_JOB_ACK_WAIT_MS: '2000',
  ARBOR_JOB_SEARCHES: '3',
  // Each policy call takes a moment, so that searches are still running when a replica is killed.
  ARBOR_POLICY_EMBEDDED_LATENCY_MS: '15',
  ARBOR_SHUTDOWN_GRACE_MS: '500',
};

async function startReplica(name: string): Promise<ServiceProcess> {
  const replica = await startArbor(name, ['all', '--nats-url', nats.url], ENV);
  for (let i = 0; i < 200 && !replica.log().includes('jobs on: taking work from JetStream'); i++) await sleep(50);
  expect(replica.log()).toContain('jobs on: taking work from JetStream');
  replicas.push(replica);
  return replica;
}

function searchClient(address: string) {
  return new (arborV1().SearchService)(address, grpc.credentials.createInsecure());
}

type SearchClient = ReturnType<typeof searchClient>;

function getTree(client: SearchClient, searchId: string, pageToken = ''): Promise<Tree__Output> {
  return new Promise((resolve, reject) => client.GetTree({ searchId, pageToken }, (err, tree) => (err ? reject(err) : resolve(tree as Tree__Output))));
}

function countdown(id: string, numbers: string) {
  return { id, task: 'countdown', question: numbers, params: { target: '24' } };
}

const PUZZLES = ['4 9 10 13', '1 1 4 6', '3 3 8 8', '2 3 5 12', '1 5 5 5', '4 4 10 10', '6 7 8 9', '1 2 7 7', '2 2 3 9', '1 3 4 6', '5 5 6 8', '2 4 6 9'];

beforeAll(async () => {
  storeDir = mkdtempSync(join(tmpdir(), 'arbor-js-'));
  writeFileSync(join(storeDir, 'nats.conf'), natsAuthorization([namespace]));
  const serverEnv = { PATH: process.env.PATH ?? '', ...Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user, namespace), passwords[user]])) };
  nats = await startNatsServer({ args: ['-js', '-sd', join(storeDir, 'store'), '-c', join(storeDir, 'nats.conf')], env: serverEnv });
  await Promise.all([startReplica('replica-a'), startReplica('replica-b')]);
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop(2_000)));
  await nats?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

describe('searches through any replica', () => {
  it('GetTree and CancelSearch through the replica that does not run the search; the finished tree from either', async () => {
    const [a, b] = replicas as [ServiceProcess, ServiceProcess];
    const onB = searchClient(b.address);
    const onA = searchClient(a.address);
    const searchId = 'cross-replica-1';
    const running = new Promise<SearchResult__Output>((resolve, reject) =>
      onB.Search(
        // Enough simulations to outlast the cancel: MCTS's default 100 end in well under a second, which on a loaded
        // machine can be before the cancel arrives. Six ones cannot make 24, and their tree does not run out first.
        {
          searchId,
          problem: countdown('p1', '1 1 1 1 1 1'),
          mcts: { simulations: 100_000 },
          budget: { maxExpansions: 100_000, deadlineMs: 30_000 },
        },
        (err, result) => (err ? reject(err) : resolve(result as SearchResult__Output)),
      ),
    );
    // The live tree, read through A while B runs the search.
    let live: Tree__Output | undefined;
    for (let i = 0; i < 100; i++) {
      live = await getTree(onA, searchId).catch(() => undefined);
      if (live && live.totalNodes > 1) break;
      await sleep(50);
    }
    expect(live?.searchId).toBe(searchId);
    expect(live!.totalNodes).toBeGreaterThan(1);
    expect(live!.nodes[0]!.id).toBe(0);

    const cancelled = await new Promise<boolean>((resolve, reject) => onA.CancelSearch({ searchId }, (err, reply) => (err ? reject(err) : resolve(reply!.cancelled))));
    expect(cancelled).toBe(true);
    const result = await running;
    expect(result.stopReason).toBe('STOP_REASON_CANCELLED');

    // Finished: A reads it (from B, or from JetStream once written), whole and the same as B's.
    const fromA = await getTree(onA, searchId);
    const fromB = await getTree(onB, searchId);
    expect(fromA.totalNodes).toBe(result.stats!.nodes);
    expect(fromA.nodes.map((n) => n.id)).toEqual(fromB.nodes.map((n) => n.id));
    // Cancelling it again, through A: it has finished, so nothing is cancelled; an unknown id is NOT_FOUND.
    const again = await new Promise<boolean>((resolve, reject) => onA.CancelSearch({ searchId }, (err, reply) => (err ? reject(err) : resolve(reply!.cancelled))));
    expect(again).toBe(false);
    // Listed through A too, as the tree viewer behind a Service asks for it.
    const listed = await new Promise<Array<{ searchId: string; status: string }>>((resolve, reject) =>
      onA.ListSearches({ limit: 10 }, (err, reply) => (err ? reject(err) : resolve(reply!.searches as Array<{ searchId: string; status: string }>))),
    );
    expect(listed.find((s) => s.searchId === searchId)?.status).toBe('SEARCH_STATUS_FINISHED');
    const missing = await new Promise<grpc.ServiceError>((resolve) => onA.GetTree({ searchId: 'never-ran' }, (err) => resolve(err!)));
    expect(missing.code).toBe(grpc.status.NOT_FOUND);
    onA.close();
    onB.close();
  }, 60_000);
});

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
const BUF = createRequire(import.meta.url).resolve('@bufbuild/buf/bin/buf');

/** A process's exit code and output; SIGKILLed as soon as `killWhen` holds of its stderr so far. */
function run(command: string, args: string[], killWhen?: (stderr: string) => boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = killWhen ? setInterval(() => killWhen(stderr) && child.kill('SIGKILL'), 20) : undefined;
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `arbor ARGS` as a user runs it. */
const arbor = (args: string[], killWhen?: (stderr: string) => boolean) => run(process.execPath, [BIN, ...args], killWhen);

describe('arbor eval --job and arbor jobs', () => {
  it('a job outlives the command that submitted it: the same command again follows it to the end, each result once', async () => {
    const [a, b] = replicas as [ServiceProcess, ServiceProcess];
    const dir = mkdtempSync(join(tmpdir(), 'arbor-eval-job-'));
    const file = join(dir, 'puzzles.txt');
    writeFileSync(file, `${PUZZLES.slice(0, 8).join('\n')}\n`);
    const out = join(dir, 'run');
    const args = ['eval', '--file', file, '--out', out, '--algo', 'bon,mcts', '--budgets', '24', '--job', '--save-trees'];
    // Killed once the job is submitted: the job goes on without it.
    const first = await arbor([...args, '--server', a.address], (stderr) => stderr.includes('submitted:'));
    expect(first.code).toBe(null);
    const jobId = (JSON.parse(readFileSync(join(out, 'job.json'), 'utf8')) as { job_id: string }).job_id;

    // Listed by either replica, with its grid.
    const listed = await arbor(['jobs', 'list', '--server', b.address, '--json']);
    expect(listed.code).toBe(0);
    const jobs = listed.stdout.trim().split('\n').map((line) => JSON.parse(line) as { jobId: string; total: number; problems: number });
    expect(jobs.find((j) => j.jobId === jobId)).toMatchObject({ total: 16, problems: 8 });

    // The same command again, through the other replica, follows it to the end.
    const second = await arbor([...args, '--server', b.address]);
    expect(second.stderr).toContain(`following job ${jobId}`);
    expect(second.code).toBe(0);
    for (const config of ['bon.steps-24.seed-1', 'mcts.steps-24.seed-1']) {
      const lines = readFileSync(join(out, 'results', `${config}.jsonl`), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { problem_id: string; search_id: string; stop_reason: string });
      expect(lines).toHaveLength(8);
      expect(new Set(lines.map((l) => l.problem_id)).size).toBe(8);
      expect(lines.every((l) => l.search_id.startsWith(`${jobId}.`) && l.stop_reason !== 'error')).toBe(true);
      expect(readdirSync(join(out, 'trees', config))).toHaveLength(8);
    }
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).rows).toHaveLength(2);

    const shown = await arbor(['jobs', 'show', jobId, '--server', a.address]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`${jobId}\\s+done\\s+16/16`));
    // Another grid on the same folder is refused, naming what differs.
    const other = await arbor(['eval', '--file', file, '--out', out, '--algo', 'bon', '--budgets', '24', '--job', '--server', a.address]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('grid');

    // A folder whose job never reached the server (the first run named the job, then found no server where it
    // submitted it): the same command submits it under the name the folder holds, and follows it.
    const lost = join(dir, 'lost');
    const lostArgs = (server: string) => ['eval', '--file', file, '--out', lost, '--algo', 'bon', '--budgets', '24', '--job', '--server', server];
    const named = await arbor(lostArgs(`127.0.0.1:${await freePort()}`));
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/unavailable/);
    const lostId = (JSON.parse(readFileSync(join(lost, 'job.json'), 'utf8')) as { job_id: string }).job_id;
    const resumed = await arbor(lostArgs(b.address));
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`job ${lostId} submitted`));
    expect(readFileSync(join(lost, 'results', 'bon.steps-24.seed-1.jsonl'), 'utf8').trim().split('\n')).toHaveLength(8);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);

  it('arbor jobs cancel: queued problems dropped, the job ends cancelled with the results it had', async () => {
    const [a, b] = replicas as [ServiceProcess, ServiceProcess];
    const client = jobClient(a.address);
    const job = await client.submit({
      name: 'to cancel',
      configurations: [{ name: 'mcts', search: { mcts: {}, budget: { maxExpansions: 128 } } }],
      // A puzzle with no solution: every search runs its whole budget, so most are still queued when cancelled.
      problems: Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, task: 'countdown', question: '2 3 5 7 11 13', params: { target: '9973' } })),
    });
    const cancelled = await arbor(['jobs', 'cancel', job.jobId, '--server', b.address]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`${job.jobId}\\s+cancelled`));
    let final;
    let results = 0;
    for await (const event of client.watch(job.jobId)) {
      if (event.status) final = event.status;
      if (event.result) results++;
    }
    expect(final?.state).toBe('JOB_STATE_CANCELLED');
    expect(final?.answered).toBe(results);
    expect(results).toBeLessThan(40);
    // Bad input: a clear message and exit 2, never a stack trace.
    const bad = await arbor(['jobs', 'cancle', job.jobId, '--server', b.address]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('did you mean cancel');
    const unknown = await arbor(['jobs', 'show', 'no-such-job', '--server', b.address]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no job with this id');
    client.close();
  }, 60_000);
});

describe('a job across two replicas', () => {
  it('a replica SIGKILLed mid-job: its problems go to the other, and every problem is answered exactly once', async () => {
    const [a, b] = replicas as [ServiceProcess, ServiceProcess];
    const inspector = await connect({
      servers: nats.url,
      user: natsUserName('orchestrator', namespace),
      pass: passwords.orchestrator,
      inboxPrefix: orchestratorInboxPrefix(namespace),
    });
    const jsm = await jetstreamManager(inspector);
    const resultsStream = jetStreamNames(namespace).resultsStream;
    const seqBefore = (await jsm.streams.info(resultsStream)).state.last_seq;
    const submitter = jobClient(a.address);
    const problems = PUZZLES.map((numbers, i) => countdown(`q${i}`, numbers));
    const job = await submitter.submit({
      name: 'kill test',
      configurations: [
        { name: 'mcts', search: { mcts: {}, budget: { maxExpansions: 24 }, seed: '7' } },
        { name: 'beam', search: { beam: {}, budget: { maxExpansions: 24 }, seed: '7' } },
      ],
      problems,
    });
    expect(job.state).toBe('JOB_STATE_RUNNING');
    expect(job.total).toBe(2 * PUZZLES.length);
    submitter.close();

    // Once the job is under way on both, A dies without a word.
    for (let i = 0; i < 400 && !(a.log().includes(`"searchId":"${job.jobId}`) && b.log().includes(`"searchId":"${job.jobId}`)); i++) await sleep(25);
    a.signal('SIGKILL');
    await a.exited;

    // Followed through B, as `arbor eval --attach` does after the submitting client went away.
    const follower = jobClient(b.address);
    const results: JobResult__Output[] = [];
    let final;
    for await (const event of follower.watch(job.jobId)) {
      if (event.result) results.push(event.result);
      if (event.status) final = event.status;
    }
    expect(final?.state).toBe('JOB_STATE_DONE');
    expect(final?.answered).toBe(job.total);
    const items = results.map((r) => `${r.configurationIndex}.${r.problemIndex}`);
    expect(new Set(items).size).toBe(job.total);
    expect(items.length).toBe(job.total);
    for (const result of results) {
      expect(result.errorCode).toBe('');
      expect(result.result?.searchId).toBe(`${job.jobId}.${result.configurationIndex}.${result.problemIndex}`);
      expect(result.problemId).toBe(`q${result.problemIndex}`);
    }
    // A's problems in flight were delivered again.
    expect(Math.max(...results.map((r) => r.attempts))).toBeGreaterThanOrEqual(2);

    // Exactly once in the stream itself: no publish was stored twice (a duplicate would take a sequence number).
    const seqAfter = (await jsm.streams.info(resultsStream)).state.last_seq;
    expect(seqAfter - seqBefore).toBe(job.total);
    await inspector.close();

    // Every tree is readable through B, those A ran included (from JetStream: A is gone).
    const onB = searchClient(b.address);
    for (const result of results) {
      const tree = await getTree(onB, result.result!.searchId);
      expect(tree.totalNodes).toBe(result.result!.stats!.nodes);
    }
    onB.close();
    follower.close();

    // A client nobody here wrote, over reflection: buf curl asks the surviving replica about the job.
    const curled = await run(process.execPath, [BUF, 'curl', '--protocol', 'grpc', '--http2-prior-knowledge', '-d', JSON.stringify({ jobId: job.jobId }), `http://${b.address}/arbor.v1.JobService/GetJob`]);
    expect(curled.stderr).toBe('');
    // The shipped permissions allowed everything the replicas did.
    expect(b.log()).not.toMatch(/permissions? violation/i);
    expect(JSON.parse(curled.stdout)).toMatchObject({ jobId: job.jobId, state: 'JOB_STATE_DONE', total: job.total, answered: job.total, configurations: ['mcts', 'beam'] });
  }, 120_000);
});
