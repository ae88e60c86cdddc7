// The orchestrator's JetStream permissions against a real nats-server with JetStream on and the shipped users:
// as the orchestrator (its own inbox prefix), everything durable jobs do on its namespace's streams works — the
// work queue and its shared durable consumer (fetch, ack, nak, working, term), the results stream (publish with
// a message id, an ordered read, a look-up by subject, a purge by filter), the jobs KV bucket and the trees object
// store. A model user gets no JetStream API and cannot read the streams' subjects; one namespace's orchestrator
// cannot touch another's streams.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { connect, errors, nanos, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jetStreamNames, jobSubjects, orchestratorInboxPrefix } from '@arbor/contracts';
import { freePort, sleep, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { natsAuthorization, natsPasswordVariable, natsUserName, newNatsPasswords, NATS_USERS, type NatsUser } from '../src/nats-config/authorization.js';
import { verdictOf } from './nats-helpers.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const STAGING = 'staging';
const passwords: Record<string, Record<NatsUser, string>> = { '': newNatsPasswords(), [STAGING]: newNatsPasswords() };
const serverEnv = {
  PATH: process.env.PATH ?? '',
  ...Object.fromEntries(['', STAGING].flatMap((ns) => NATS_USERS.map((user) => [natsPasswordVariable(user, ns), passwords[ns]![user]]))),
};
const names = jetStreamNames();
const subjects = jobSubjects();
const encode = (text: string) => new TextEncoder().encode(text);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
/** Refused requests end in an error or this timeout, whichever comes first. */
const REFUSED_MS = 1_000;

let dir: string;
let server: NatsServerProcess;
const open: NatsConnection[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'arbor-nats-jetstream-'));
  writeFileSync(join(dir, 'authorization.conf'), natsAuthorization(['', STAGING]));
  writeFileSync(join(dir, 'nats.conf'), 'include ./authorization.conf\n');
  server = await startNatsServer({ args: ['-js', '-sd', join(dir, 'store'), '-c', join(dir, 'nats.conf')], env: serverEnv });
});

afterAll(async () => {
  await Promise.all(open.map((nc) => nc.close()));
  await server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A connection as `user`, the orchestrator's with its inbox prefix, as the services connect. */
async function as(user: NatsUser, namespace = '', url = server.url): Promise<NatsConnection> {
  const nc = await connect({
    servers: url,
    reconnect: false,
    user: natsUserName(user, namespace),
    pass: passwords[namespace]![user],
    ...(user === 'orchestrator' && { inboxPrefix: orchestratorInboxPrefix(namespace) }),
  });
  open.push(nc);
  return nc;
}

/** The errors the server reports to a connection from now on (permission violations come this way). */
function serverErrors(nc: NatsConnection): Error[] {
  const seen: Error[] = [];
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'error') seen.push(status.error);
  })();
  return seen;
}

/** nats.js sends several filter subjects only to servers from 2.10; older ones take one, as a string. */
function filterOf(nc: NatsConnection, subject: string): string | string[] {
  const [major = 0, minor = 0] = (nc.info?.version ?? '0.0').split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 10) ? [subject] : subject;
}

async function addWorkAndResults(jsm: JetStreamManager, namespace = ''): Promise<void> {
  const own = jetStreamNames(namespace);
  const subjectsOf = jobSubjects(namespace);
  await jsm.streams.add({ name: own.workStream, subjects: [`${subjectsOf.work}.>`], retention: RetentionPolicy.Workqueue, storage: StorageType.File });
  await jsm.streams.add({ name: own.resultsStream, subjects: [`${subjectsOf.results}.>`], storage: StorageType.File, max_msgs_per_subject: 1 });
}

describe('the orchestrator on JetStream, in its namespace', () => {
  let nc: NatsConnection;
  let refusals: Error[];
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await as('orchestrator');
    refusals = serverErrors(nc);
    expect(nc.info?.jetstream).toBe(true);
    // With its API check ($JS.API.INFO), as the orchestrator opens it.
    jsm = await jetstreamManager(nc);
    await addWorkAndResults(jsm);
  });

  it('creates and updates its streams and reads them back', async () => {
    const work = await jsm.streams.info(names.workStream);
    expect(work.config.retention).toBe(RetentionPolicy.Workqueue);
    expect(work.config.subjects).toEqual([`${subjects.work}.>`]);
    const updated = await jsm.streams.update(names.resultsStream, { max_age: nanos(3_600_000) });
    expect(updated.config.max_age).toBe(nanos(3_600_000));
    expect((await jsm.streams.info(names.resultsStream)).config.max_msgs_per_subject).toBe(1);
  });

  it('queues work with message ids, and takes it through the shared durable consumer: ack, working, nak, term', async () => {
    const js = jetstream(nc);
    const first = await js.publish(`${subjects.work}.job1.c0.p0`, encode('p0'), { msgID: 'job1.c0.p0' });
    expect(first.duplicate).toBe(false);
    // The same problem queued twice is kept once.
    expect((await js.publish(`${subjects.work}.job1.c0.p0`, encode('p0'), { msgID: 'job1.c0.p0' })).duplicate).toBe(true);
    for (const problem of ['p1', 'p2']) await js.publish(`${subjects.work}.job1.c0.${problem}`, encode(problem), { msgID: `job1.c0.${problem}` });

    await jsm.consumers.add(names.workStream, { durable_name: names.workConsumer, ack_policy: AckPolicy.Explicit, ack_wait: nanos(30_000) });
    // Every replica brings the consumer to its settings at start.
    const updated = await jsm.consumers.update(names.workStream, names.workConsumer, { ack_wait: nanos(30_000), max_deliver: -1 });
    expect(updated.config.durable_name).toBe('orchestrators');
    const consumer = await js.consumers.get(names.workStream, names.workConsumer);
    const fetchAll = async (max: number) => {
      const taken: JsMsg[] = [];
      for await (const msg of await consumer.fetch({ max_messages: max, expires: 1_000 })) taken.push(msg);
      return taken;
    };
    const taken = await fetchAll(3);
    expect(taken.map((m) => decode(m.data))).toEqual(['p0', 'p1', 'p2']);
    const [p0, p1, p2] = taken as [JsMsg, JsMsg, JsMsg];
    p0.working();
    // An acknowledgement the server confirms: the publish to $JS.ACK... went through.
    expect(await p0.ackAck()).toBe(true);
    p1.nak();
    p2.term();
    // Only the nak'ed problem comes back, at once (ack_wait is 30 s), on its second delivery.
    const again = await fetchAll(3);
    expect(again.map((m) => [decode(m.data), m.info.deliveryCount])).toEqual([['p1', 2]]);
    expect(await again[0]!.ackAck()).toBe(true);
    expect((await jsm.consumers.info(names.workStream, names.workConsumer)).num_ack_pending).toBe(0);
    expect((await jsm.streams.info(names.workStream)).state.messages).toBeLessThanOrEqual(1);
  });

  it('adds, looks up and deletes a consumer of its own', async () => {
    await jsm.consumers.add(names.resultsStream, { durable_name: 'scratch', ack_policy: AckPolicy.None });
    expect((await jsm.consumers.info(names.resultsStream, 'scratch')).name).toBe('scratch');
    expect(await jsm.consumers.delete(names.resultsStream, 'scratch')).toBe(true);
  });

  it('purges a job\'s work by filter', async () => {
    const js = jetstream(nc);
    for (const problem of ['p0', 'p1']) await js.publish(`${subjects.work}.job2.c0.${problem}`, encode(problem), { msgID: `job2.c0.${problem}` });
    await js.publish(`${subjects.work}.job3.c0.p0`, encode('job3'), { msgID: 'job3.c0.p0' });
    expect((await jsm.streams.purge(names.workStream, { filter: `${subjects.work}.job2.>` })).purged).toBe(2);
    const left = await jsm.streams.getMessage(names.workStream, { last_by_subj: `${subjects.work}.job3.c0.p0` });
    expect(decode(left!.data)).toBe('job3');
  });

  it('publishes results, looks one up by subject and reads a job\'s results with an ordered consumer', async () => {
    const js = jetstream(nc);
    for (const problem of ['p0', 'p1', 'p2']) {
      const ack = await js.publish(`${subjects.results}.job1.c0.${problem}`, encode(`result ${problem}`), { msgID: `job1.c0.${problem}` });
      expect(ack.stream).toBe(names.resultsStream);
    }
    await js.publish(`${subjects.results}.job9.c0.p0`, encode('another job'), { msgID: 'job9.c0.p0' });
    const found = await jsm.streams.getMessage(names.resultsStream, { last_by_subj: `${subjects.results}.job1.c0.p1` });
    expect(decode(found!.data)).toBe('result p1');

    const ordered = await js.consumers.get(names.resultsStream, { filter_subjects: filterOf(nc, `${subjects.results}.job1.>`) });
    const read: string[] = [];
    for await (const msg of await ordered.fetch({ max_messages: 3, expires: 1_000 })) read.push(decode(msg.data));
    expect(read).toEqual(['result p0', 'result p1', 'result p2']);
  });

  it('keeps job records in its KV bucket', async () => {
    const kv = await new Kvm(nc).create(names.jobsBucket, { history: 1, storage: StorageType.File });
    await kv.put('job1', encode('{"state":"running"}'));
    await kv.put('job2', encode('{"state":"cancelled"}'));
    expect((await kv.get('job1'))?.string()).toBe('{"state":"running"}');
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    expect(keys.sort()).toEqual(['job1', 'job2']);
    // A direct get by sequence (a KV read at a revision), the API request without a subject in its name.
    expect(decode((await jsm.direct.getMessage(`KV_${names.jobsBucket}`, { seq: 1 }))!.data)).toBe('{"state":"running"}');
  });

  // A regression in flow control stalls the read: fail in seconds, not at the minute.
  it('keeps finished trees in its object store: put, info, get, delete', { timeout: 15_000 }, async () => {
    const trees = await new Objm(nc).create(names.treesBucket, { ttl: nanos(3_600_000), max_bytes: 16 * 1024 ** 2, storage: StorageType.File });
    // Many chunks (128 KiB each), more than the server sends a reader before it asks for flow control (2 MiB):
    // the read stalls unless the client may answer on $JS.FC.
    const tree = new Uint8Array(5 * 1024 ** 2).map((_, i) => i % 251);
    expect((await trees.putBlob({ name: 'tenant.search1' }, tree)).size).toBe(tree.length);
    // Written again, as a replica would after a retry: the old chunks are purged.
    await trees.putBlob({ name: 'tenant.search1' }, tree);
    expect((await trees.info('tenant.search1'))?.size).toBe(tree.length);
    const read = await trees.getBlob('tenant.search1');
    // Compared as bytes: a deep equality over five million elements takes the test's time.
    expect(Buffer.from(read!).equals(tree)).toBe(true);
    await trees.delete('tenant.search1');
    expect(await trees.getBlob('tenant.search1')).toBeNull();
  });

  it('reaches the other replicas on the core subjects, and each answers to the asker\'s inbox', async () => {
    const others = [await as('orchestrator'), await as('orchestrator')];
    const replicaSubjects = [subjects.cancelJob, subjects.searchTree, subjects.cancelSearch, subjects.listSearches];
    const verdicts = others.flatMap((other, replica) =>
      replicaSubjects.map((subject) => verdictOf(other, other.subscribe(subject, { callback: (_err, msg) => void msg.respond(encode(`${replica} heard ${subject}`)) }))),
    );
    expect(new Set(await Promise.all(verdicts))).toEqual(new Set(['open']));
    for (const subject of replicaSubjects) {
      // Every replica's answer arrives (listing searches gathers them all), not just the first.
      const answers: string[] = [];
      for await (const answer of await nc.requestMany(subject, encode('?'), { strategy: 'count', maxWait: 1_000, maxMessages: 2 })) answers.push(decode(answer.data));
      expect(answers.sort()).toEqual([`0 heard ${subject}`, `1 heard ${subject}`]);
    }
  });

  it('was refused nothing', async () => {
    await nc.flush();
    expect(refusals).toEqual([]);
  });
});

describe('a model service\'s user on JetStream', () => {
  it('gets no JetStream API: not even account info, nor the work queue', async () => {
    const policy = await as('policy');
    const refusals = serverErrors(policy);
    await expect(jetstreamManager(policy, { timeout: REFUSED_MS })).rejects.toThrow();
    const js = jetstream(policy, { timeout: REFUSED_MS });
    await expect(js.consumers.get(names.workStream, names.workConsumer)).rejects.toThrow();
    await expect(js.publish(`${subjects.results}.job1.c0.p0`, encode('forged'), { msgID: 'forged' })).rejects.toThrow();
    const expected = ['$JS.API.INFO', `$JS.API.CONSUMER.INFO.${names.workStream}.${names.workConsumer}`, `${subjects.results}.job1.c0.p0`];
    const refused = () =>
      refusals.flatMap((e) => (e instanceof errors.PermissionViolationError && e.operation === 'publish' ? [e.subject] : []));
    // The server's -ERR lines reach the status stream a moment after the calls fail.
    await policy.flush();
    for (let i = 0; i < 40 && !expected.every((subject) => refused().includes(subject)); i++) await sleep(50);
    expect(refused()).toEqual(expect.arrayContaining(expected));
  });

  it.each([`${subjects.results}.>`, `${subjects.work}.>`, `$KV.${names.jobsBucket}.>`, `$O.${names.treesBucket}.>`, subjects.searchTree])(
    'cannot subscribe to %s',
    async (subject) => {
      const value = await as('value');
      expect(await verdictOf(value, value.subscribe(subject))).toBeInstanceOf(errors.PermissionViolationError);
    },
  );
});

describe('namespaces on one JetStream', () => {
  it('lets one namespace\'s orchestrator run its own streams and touch nothing of another\'s', async () => {
    const staging = await as('orchestrator', STAGING);
    const jsm = await jetstreamManager(staging, { timeout: REFUSED_MS });
    await addWorkAndResults(jsm, STAGING);
    expect((await jsm.streams.info(jetStreamNames(STAGING).workStream)).config.name).toBe('ARBOR_JOB_WORK_staging');

    const before = (await jetstreamManager(await as('orchestrator'))).streams.info(names.workStream);
    const messages = (await before).state.messages;
    await expect(jsm.streams.info(names.workStream)).rejects.toThrow();
    await expect(jsm.streams.purge(names.workStream)).rejects.toThrow();
    await expect(jsm.streams.getMessage(names.resultsStream, { last_by_subj: `${subjects.results}.job1.c0.p1` })).rejects.toThrow();
    await expect(jsm.consumers.delete(names.workStream, names.workConsumer)).rejects.toThrow();
    const js = jetstream(staging, { timeout: REFUSED_MS });
    await expect(js.consumers.get(names.workStream, names.workConsumer)).rejects.toThrow();
    await expect(js.publish(`${subjects.work}.job1.c0.p9`, encode('forged'))).rejects.toThrow();
    await expect(new Kvm(staging).create(names.jobsBucket)).rejects.toThrow();
    expect(await verdictOf(staging, staging.subscribe(subjects.cancelJob))).toBeInstanceOf(errors.PermissionViolationError);
    // The default namespace's queue is as it was.
    expect((await (await jetstreamManager(await as('orchestrator'))).streams.info(names.workStream)).state.messages).toBe(messages);
  });
});

describe('the shipped compose configuration', () => {
  it('runs JetStream with its limits, for the orchestrator with the shipped users', async () => {
    const confDir = mkdtempSync(join(tmpdir(), 'arbor-compose-nats-'));
    // The container's store (/data) moved to a temporary folder, the monitoring port to a free one.
    const conf = readFileSync(join(root, 'deploy/compose/nats.conf'), 'utf8');
    expect(conf).toMatch(/^\s*store_dir:\s*"?\/data"?\s*$/m);
    writeFileSync(join(confDir, 'nats.conf'), conf.replace(/^(\s*store_dir:\s*).*$/m, `$1"${join(confDir, 'store')}"`));
    writeFileSync(join(confDir, 'nats-authorization.conf'), readFileSync(join(root, 'deploy/compose/nats-authorization.conf'), 'utf8'));
    const monitor = await freePort();
    const composeServer = await startNatsServer({ args: ['-c', join(confDir, 'nats.conf'), '-m', String(monitor)], env: serverEnv });
    try {
      const varz = (await (await fetch(`http://127.0.0.1:${monitor}/varz`)).json()) as { jetstream?: { config?: { max_memory: number; max_storage: number } } };
      expect(varz.jetstream?.config).toMatchObject({ max_memory: 256 * 1024 ** 2, max_storage: 10 * 1024 ** 3 });
      const nc = await as('orchestrator', '', composeServer.url);
      const jsm = await jetstreamManager(nc);
      await addWorkAndResults(jsm);
      expect((await jsm.streams.info(names.workStream)).config.storage).toBe(StorageType.File);
      await nc.close();
    } finally {
      await composeServer.stop();
      rmSync(confDir, { recursive: true, force: true });
    }
  });
});
