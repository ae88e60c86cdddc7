// The NATS transport against raw subscribers on a real nats-server: late and duplicate replies, retries,
// error replies and the search deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { arborV1, NATS_HEADERS, natsRoute, replicaSubject, type ProposeRequest__Output } from '@arbor/contracts';
import { ATTR, connectNats, localNats, sleep, type LocalNats, type TelemetryHandle } from '@arbor/kit';
import { startTelemetry } from '@arbor/kit/telemetry';
import { ArborError, DeadlineExceededError, InvalidArgumentError } from '@arbor/kit/errors';
import { NatsLink } from '../src/transport/nats-link.js';
import { BusyError } from '../src/transport/call-limiter.js';
import { HedgePolicy } from '../src/transport/hedging.js';
import { natsPolicyTransport, natsUnary, type ServiceRouting } from '../src/transport/nats.js';
import { ReplicaAffinity } from '../src/transport/affinity.js';
import { ReplicaSet } from '../src/transport/replicas.js';
import { DEFAULT_RETRY } from '../src/transport/retry.js';
import { silent, testNamespace } from '@arbor/testing';

const method = arborV1().PolicyService.service.Propose;
let nats: LocalNats;
let nc: NatsConnection;
const link = new NatsLink();

beforeAll(async () => {
  nats = await localNats();
  nc = await connectNats({ url: nats.url, name: 'transport-test', logger: silent });
  link.set(nc);
});
afterAll(async () => {
  await nc?.drain();
  await nats?.stop();
});

function reply(msg: Msg, text: string, extra: Record<string, string> = {}): void {
  const h = natsHeaders();
  h.set(NATS_HEADERS.callId, msg.headers?.get(NATS_HEADERS.callId) ?? '');
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  msg.respond(method.responseSerialize({ candidates: [{ step: { text, logprob: 0, tokens: 1 } }] }), { headers: h });
}

/** A raw subscriber on a fresh subject; `onRequest` gets each request and its attempt number (1-based). */
async function responder(onRequest: (msg: Msg, attempt: number, request: ProposeRequest__Output) => void) {
  const subject = `${testNamespace()}.propose`;
  let attempt = 0;
  nc.subscribe(subject, { callback: (_err, msg) => onRequest(msg, ++attempt, method.requestDeserialize(Buffer.from(msg.data))) });
  await nc.flush();
  return subject;
}

function call(subject: string, options: { timeoutMs?: number; deadlineMs?: number; maxAttempts?: number } = {}) {
  const transport = natsUnary(
    { link, subject, timeoutMs: options.timeoutMs ?? 200, retry: { ...DEFAULT_RETRY, baseDelayMs: 10, maxAttempts: options.maxAttempts ?? 3 } },
    method,
  );
  return transport({ callId: 'call-7', numCandidates: 1 }, { signal: new AbortController().signal, deadline: Date.now() + (options.deadlineMs ?? 5_000) });
}

describe('natsUnary', () => {
  it('sends the call id and a deadline header, and decodes the reply', async () => {
    let seen: { callId?: string; deadline: number } | undefined;
    const subject = await responder((msg) => {
      seen = { callId: msg.headers?.get(NATS_HEADERS.callId), deadline: Number(msg.headers?.get(NATS_HEADERS.deadline)) };
      reply(msg, 'hello');
    });
    const before = Date.now();
    const { response, attempts } = await call(subject, { timeoutMs: 1_000 });
    expect(response.candidates[0]?.step?.text).toBe('hello');
    expect(attempts).toBe(1);
    expect(seen?.callId).toBe('call-7');
    expect(seen!.deadline).toBeGreaterThanOrEqual(before + 900);
    expect(seen!.deadline).toBeLessThanOrEqual(Date.now() + 1_000);
  });

  it('keeps the first of duplicate replies', async () => {
    const subject = await responder((msg) => {
      reply(msg, 'first');
      reply(msg, 'second');
    });
    const { response } = await call(subject);
    expect(response.candidates[0]?.step?.text).toBe('first');
  });

  it('retries a timed-out call with the same call id and ignores the late reply', async () => {
    const callIds: string[] = [];
    const subject = await responder((msg, attempt, request) => {
      callIds.push(request.callId);
      if (attempt === 1) setTimeout(() => reply(msg, 'late'), 400);
      else reply(msg, 'fresh');
    });
    const { response, attempts } = await call(subject, { timeoutMs: 150 });
    expect(response.candidates[0]?.step?.text).toBe('fresh');
    expect(attempts).toBe(2);
    expect(callIds).toEqual(['call-7', 'call-7']);
    await sleep(400); // the late reply arrives now and must go nowhere
  });

  it('maps an error reply to the domain error, without retrying it', async () => {
    let calls = 0;
    const subject = await responder((msg) => {
      calls++;
      const h = natsHeaders();
      h.set(NATS_HEADERS.status, 'INVALID_ARGUMENT');
      h.set(NATS_HEADERS.message, 'num_candidates: must be at least 1');
      msg.respond(new Uint8Array(0), { headers: h });
    });
    const err = await call(subject).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as InvalidArgumentError).field).toBe('num_candidates');
    expect(calls).toBe(1);
  });

  it('retries UNAVAILABLE replies and succeeds on the next', async () => {
    const subject = await responder((msg, attempt) => {
      if (attempt === 1) {
        const h = natsHeaders();
        h.set(NATS_HEADERS.status, 'UNAVAILABLE');
        h.set(NATS_HEADERS.message, 'backend down');
        msg.respond(new Uint8Array(0), { headers: h });
      } else reply(msg, 'second replica');
    });
    const { response, attempts } = await call(subject);
    expect(response.candidates[0]?.step?.text).toBe('second replica');
    expect(attempts).toBe(2);
  });

  it('never applies a reply that carries another call id', async () => {
    const subject = await responder((msg) => reply(msg, 'stranger', { [NATS_HEADERS.callId]: 'call-999' }));
    const err = await call(subject).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArborError);
    expect((err as ArborError).message).toMatch(/carries call id call-999, expected call-7/);
  });

  it('stops retrying at the search deadline', async () => {
    const subject = await responder(() => {}); // never answers
    const started = Date.now();
    const err = await call(subject, { timeoutMs: 100, deadlineMs: 250, maxAttempts: 10 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('turns a busy reply into BusyError for the limiter, without retrying it here', async () => {
    let calls = 0;
    const subject = await responder((msg) => {
      calls++;
      const h = natsHeaders();
      h.set(NATS_HEADERS.status, 'RESOURCE_EXHAUSTED');
      h.set(NATS_HEADERS.message, 'replica busy: 8 calls in flight (cap 8)');
      h.set(NATS_HEADERS.busy, '8/8');
      msg.respond(new Uint8Array(0), { headers: h });
    });
    await expect(call(subject)).rejects.toBeInstanceOf(BusyError);
    expect(calls).toBe(1);
  });
});

describe('natsUnary with replica routing', () => {
  /** Two replicas on their direct subjects: `hung` never answers, `live` does. */
  async function twoReplicas() {
    const subject = `${testNamespace()}.propose`;
    const seen: string[] = [];
    nc.subscribe(replicaSubject(subject, 'hung'), { callback: () => void seen.push('hung') });
    nc.subscribe(replicaSubject(subject, 'live'), {
      callback: (_err, msg) => {
        seen.push('live');
        reply(msg, 'from live', { [NATS_HEADERS.replica]: 'live' });
      },
    });
    await nc.flush();
    const replicas = new ReplicaSet();
    replicas.discovered([
      { id: 'hung', capacity: 8 },
      { id: 'live', capacity: 8 },
    ]);
    return { subject, seen, replicas };
  }

  function routed(subject: string, routing: ServiceRouting) {
    return natsUnary({ link, subject, timeoutMs: 5_000, retry: DEFAULT_RETRY, routing }, method);
  }

  it('hedges a call to a replica that does not answer, to another one, and avoids the first from then on', async () => {
    const { subject, seen, replicas } = await twoReplicas();
    const hedging = new HedgePolicy({ factor: 3, minDelayMs: 50, maxShare: 0.5, minSamples: 1 });
    hedging.record(10);
    // The live one looks busier, so the first request goes to the hung one.
    replicas.started('live');
    const started = Date.now();
    const { response, attempts, hedges } = await routed(subject, { replicas, hedging })(
      { callId: 'call-8', numCandidates: 1 },
      { signal: new AbortController().signal, deadline: Date.now() + 5_000 },
    );
    expect(response.candidates[0]?.step?.text).toBe('from live');
    expect(attempts).toBe(1);
    expect(hedges).toBe(1);
    expect(seen).toEqual(['hung', 'live']);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The hung replica is suspect: new calls go straight to the live one.
    replicas.finished('live');
    expect(replicas.pick()).toBe('live');
    await routed(subject, { replicas, hedging })({ callId: 'call-9', numCandidates: 1 }, { signal: new AbortController().signal, deadline: Date.now() + 5_000 });
    expect(seen).toEqual(['hung', 'live', 'live']);
  });

  it('sends nothing extra when the hedge budget is spent, and waits for the first reply', async () => {
    const { subject, seen, replicas } = await twoReplicas();
    const hedging = new HedgePolicy({ factor: 3, minDelayMs: 50, maxShare: 0, minSamples: 1 });
    hedging.record(10);
    replicas.started('live');
    const err = await routed(subject, { replicas, hedging })(
      { callId: 'call-10', numCandidates: 1 },
      { signal: new AbortController().signal, deadline: Date.now() + 400 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(seen.filter((s) => s === 'live')).toEqual([]);
  });

  it('forgets a replica whose subject has no responders and sends the call elsewhere', async () => {
    const { subject, seen, replicas } = await twoReplicas();
    replicas.discovered([{ id: 'killed', capacity: 8 }]);
    replicas.suspect('hung');
    // killed has the most room, so it is tried first.
    replicas.started('live');
    const hedging = new HedgePolicy({ factor: 3, minDelayMs: 50, maxShare: 0.5, minSamples: 1 });
    const { response } = await natsUnary({ link, subject, timeoutMs: 5_000, retry: { ...DEFAULT_RETRY, baseDelayMs: 1 }, routing: { replicas, hedging } }, method)(
      { callId: 'call-11', numCandidates: 1 },
      { signal: new AbortController().signal, deadline: Date.now() + 5_000 },
    );
    expect(response.candidates[0]?.step?.text).toBe('from live');
    expect(replicas.size).toBe(2);
    expect(seen).toEqual(['live']);
  });
});

describe('natsPolicyTransport with replica affinity', () => {
  /** Two replicas, each on its direct subject and in the queue group; `busy` makes one answer busy once. */
  async function affinityReplicas() {
    const namespace = testNamespace();
    const { subject } = natsRoute('propose', namespace);
    const served: string[] = [];
    const busyOnce = new Set<string>();
    const answer = (id: string) => (_err: unknown, msg: Msg) => {
      const h = natsHeaders();
      h.set(NATS_HEADERS.callId, msg.headers?.get(NATS_HEADERS.callId) ?? '');
      h.set(NATS_HEADERS.replica, id);
      if (busyOnce.delete(id)) {
        h.set(NATS_HEADERS.status, 'RESOURCE_EXHAUSTED');
        h.set(NATS_HEADERS.message, 'replica busy');
        h.set(NATS_HEADERS.busy, '8/8');
        msg.respond(new Uint8Array(0), { headers: h });
        return;
      }
      served.push(id);
      msg.respond(method.responseSerialize({ candidates: [{ step: { text: id, logprob: 0, tokens: 1 } }] }), { headers: h });
    };
    for (const id of ['r1', 'r2']) {
      nc.subscribe(replicaSubject(subject, id), { callback: answer(id) });
      nc.subscribe(subject, { queue: subject, callback: answer(id) });
    }
    await nc.flush();
    const replicas = new ReplicaSet();
    replicas.discovered([
      { id: 'r1', capacity: 8 },
      { id: 'r2', capacity: 8 },
    ]);
    const routing = { replicas, hedging: new HedgePolicy({ factor: 3, minDelayMs: 1_000, maxShare: 0, minSamples: 1 }), affinity: new ReplicaAffinity() };
    const transport = natsPolicyTransport({
      link,
      namespace,
      timeoutsMs: { propose: 2_000, evaluate: 2_000, score: 2_000 },
      retry: DEFAULT_RETRY,
      routing: { propose: routing },
    });
    const propose = (steps: string[], callId: string) =>
      transport(
        { problem: { task: 'math', id: 'p', question: 'q' }, prefix: { steps: steps.map((text) => ({ text })) }, numCandidates: 1, callId },
        { signal: new AbortController().signal, deadline: Date.now() + 5_000 },
      );
    return { served, busyOnce, propose, routing };
  }

  const spans = new InMemorySpanExporter();
  let telemetry: TelemetryHandle;
  beforeAll(() => {
    telemetry = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(spans)], metricReaders: [] })!;
  });
  afterAll(async () => {
    await telemetry?.shutdown();
  });

  it('sends each child to the replica that served its parent, and a busy replica\'s children elsewhere', async () => {
    const { served, busyOnce, propose, routing } = await affinityReplicas();
    await propose([], 'root');
    const first = served[0]!;
    const other = first === 'r1' ? 'r2' : 'r1';
    // A chain of descendants, one at a time: all on the replica that holds their prefix.
    const path: string[] = [];
    for (let depth = 0; depth < 6; depth++) {
      path.push(`step ${depth}`);
      await propose([...path], `d${depth}`);
    }
    expect(served).toEqual(Array(7).fill(first));
    // The replica answers busy: the call fails over to the limiter (BusyError), and its retry goes to the other.
    busyOnce.add(first);
    await expect(propose([...path, 'x'], 'busy')).rejects.toBeInstanceOf(BusyError);
    await propose([...path, 'x'], 'busy');
    expect(served.at(-1)).toBe(other);
    // The other now holds path/x: its child follows it there.
    await propose([...path, 'x', 'y'], 'grandchild');
    expect(served.at(-1)).toBe(other);
    // A replica that is gone: its children go to the one left.
    routing.replicas.gone(other);
    await propose([...path, 'x', 'y', 'z'], 'after-gone');
    expect(served.at(-1)).toBe(first);

    // Each request's span says whether affinity held: the root knew no replica; the descendants followed theirs;
    // the call after the busy answer, and the one after the replica was gone, were diverted.
    await telemetry.forceFlush();
    const affinityOf = (callId: string) =>
      spans.getFinishedSpans().filter((span) => span.attributes[ATTR.callId] === callId).map((span) => span.attributes[ATTR.replicaAffinity]);
    expect(affinityOf('root')).toEqual([undefined]);
    expect(['d0', 'd5', 'grandchild'].map(affinityOf)).toEqual([['followed'], ['followed'], ['followed']]);
    expect(affinityOf('busy')).toEqual(['followed', 'diverted']);
    expect(affinityOf('after-gone')).toEqual(['diverted']);
  });

  it('spreads a node\'s concurrent children past the load bound', async () => {
    const { served, propose } = await affinityReplicas();
    await propose([], 'root');
    served.length = 0;
    await Promise.all(Array.from({ length: 8 }, (_, i) => propose([`child ${i}`], `c${i}`)));
    // Each of 8 calls in flight at once: the preferred replica takes up to ceil(1.25 x n / 2), the other the rest.
    expect(new Set(served).size).toBe(2);
  });
});
