// serveOnNats against a real nats-server: replies, error replies, deadlines, the in-flight cap, size limits.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { arborV1, discoverySubject, MAX_MODEL_MESSAGE_BYTES, NATS_HEADERS, replicaSubject, type ProposeRequest__Output, type ProposeResponse } from '@arbor/contracts';
import { InvalidArgumentError } from '../errors.js';
import { createLogger } from '../logger.js';
import { signalDeadline } from '../signal-deadline.js';
import { sleep } from '../sleep.js';
import { connectNats } from './connection.js';
import { callDeadline, serveOnNats, type NatsResponder } from './responder.js';
import { localNats, type LocalNats } from './server-process.js';

const logger = createLogger('test', { level: 'silent' });
const method = arborV1().PolicyService.service.Propose;

let nats: LocalNats;
let nc: NatsConnection;
const responders: NatsResponder[] = [];

beforeAll(async () => {
  nats = await localNats();
  nc = await connectNats({ url: nats.url, name: 'responder-test', logger });
});
afterAll(async () => {
  for (const r of responders) await r.stop(100);
  await nc?.drain();
  await nats?.stop();
});

/** A responder on a subject of its own, so test cases (and other test files) never share a queue group. */
function serve(handle: (request: ProposeRequest__Output, signal: AbortSignal) => Promise<ProposeResponse>, maxInFlight = 8) {
  const subject = `test.${randomUUID()}.propose`;
  const responder = serveOnNats({ nc, subject, queue: `${subject}.q`, method, requestType: 'arbor.v1.ProposeRequest', handle, logger, maxInFlight });
  responders.push(responder);
  return { subject, responder };
}

function request(subject: string, payload: Uint8Array, extra: Record<string, string> = {}, timeout = 2_000) {
  const h = natsHeaders();
  h.set(NATS_HEADERS.callId, 'call-1');
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return nc.request(subject, payload, { timeout, headers: h });
}

const echo = async (r: ProposeRequest__Output): Promise<ProposeResponse> => ({
  candidates: [{ step: { text: `got ${r.numCandidates}`, logprob: -1, tokens: 2 } }],
});

describe('serveOnNats', () => {
  it('answers with the protobuf response and echoes the call id', async () => {
    const { subject, responder } = serve(echo);
    await nc.flush();
    const msg = await request(subject, method.requestSerialize({ numCandidates: 3 }));
    expect(msg.headers?.get(NATS_HEADERS.callId)).toBe('call-1');
    expect(msg.headers?.get(NATS_HEADERS.status)).toBe('');
    expect(method.responseDeserialize(Buffer.from(msg.data)).candidates[0]?.step?.text).toBe('got 3');
    expect(responder.stats.served).toBe(1);
  });

  it('answers on its own replica subject too, names itself on every reply, and answers discovery', async () => {
    const { subject, responder } = serve(echo, 5);
    await nc.flush();
    const direct = await request(replicaSubject(subject, responder.replicaId), method.requestSerialize({ numCandidates: 2 }));
    expect(method.responseDeserialize(Buffer.from(direct.data)).candidates[0]?.step?.text).toBe('got 2');
    expect(direct.headers?.get(NATS_HEADERS.replica)).toBe(responder.replicaId);
    const viaGroup = await request(subject, method.requestSerialize({ numCandidates: 1 }));
    expect(viaGroup.headers?.get(NATS_HEADERS.replica)).toBe(responder.replicaId);
    const answers = [];
    for await (const msg of await nc.requestMany(discoverySubject(subject), new Uint8Array(0), { strategy: 'timer', maxWait: 300 })) {
      answers.push({ id: msg.headers?.get(NATS_HEADERS.replica), capacity: msg.headers?.get(NATS_HEADERS.capacity), inFlight: msg.headers?.get(NATS_HEADERS.inFlight) });
    }
    expect(answers).toEqual([{ id: responder.replicaId, capacity: '5', inFlight: '0' }]);
    await responder.stop(100);
    // Stopped: no subscription left on any of its subjects.
    await expect(request(replicaSubject(subject, responder.replicaId), method.requestSerialize({ numCandidates: 1 }))).rejects.toThrow();
    const discoverAgain = async () => {
      for await (const msg of await nc.requestMany(discoverySubject(subject), new Uint8Array(0), { strategy: 'timer', maxWait: 200 })) return msg;
      return undefined;
    };
    await expect(discoverAgain()).rejects.toThrow(/no responders/);
  });

  it('replies to a domain error with its status and message', async () => {
    const { subject } = serve(async () => {
      throw new InvalidArgumentError('num_candidates', 'must be at least 1');
    });
    await nc.flush();
    const msg = await request(subject, method.requestSerialize({ numCandidates: 0 }));
    expect(msg.headers?.get(NATS_HEADERS.status)).toBe('INVALID_ARGUMENT');
    expect(msg.headers?.get(NATS_HEADERS.message)).toBe('num_candidates: must be at least 1');
    expect(msg.data.length).toBe(0);
  });

  it('answers a malformed payload INVALID_ARGUMENT and keeps serving', async () => {
    const { subject, responder } = serve(echo);
    await nc.flush();
    const bad = await request(subject, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(bad.headers?.get(NATS_HEADERS.status)).toBe('INVALID_ARGUMENT');
    expect(bad.headers?.get(NATS_HEADERS.message)).toBe('message: malformed field 536870911');
    // A field that does not fit its type is named.
    const tooBig = Uint8Array.from([3 << 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]); // num_candidates = 2^35
    const named = await request(subject, tooBig);
    expect(named.headers?.get(NATS_HEADERS.message)).toBe('num_candidates: 34359738368 does not fit a uint32');
    const good = await request(subject, method.requestSerialize({ numCandidates: 1 }));
    expect(method.responseDeserialize(Buffer.from(good.data)).candidates).toHaveLength(1);
    expect(responder.stats).toMatchObject({ served: 1, failed: 2 });
  });

  it('drops a request already past its deadline without doing the work', async () => {
    let calls = 0;
    const { subject, responder } = serve(async (r) => {
      calls++;
      return echo(r);
    });
    await nc.flush();
    await expect(
      request(subject, method.requestSerialize({ numCandidates: 1 }), { [NATS_HEADERS.deadline]: String(Date.now() - 1) }, 300),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(calls).toBe(0);
    expect(responder.stats.expired).toBe(1);
  });

  it('aborts the handler when the deadline passes mid-call', async () => {
    let aborted = false;
    const { subject } = serve(async (_r, signal) => {
      await sleep(2_000, signal).catch(() => (aborted = true));
      return { candidates: [] };
    });
    await nc.flush();
    await request(subject, method.requestSerialize({ numCandidates: 1 }), { [NATS_HEADERS.deadline]: String(Date.now() + 100) }, 1_000).catch(() => {});
    await sleep(300);
    expect(aborted).toBe(true);
  });

  it("records the call's deadline on the handler's signal, so retry waits can give up early", async () => {
    const seen: (number | undefined)[] = [];
    const { subject } = serve(async (r, signal) => {
      seen.push(signalDeadline(signal));
      return echo(r);
    });
    await nc.flush();
    const deadline = Date.now() + 5_000;
    await request(subject, method.requestSerialize({ numCandidates: 1 }), { [NATS_HEADERS.deadline]: String(deadline) });
    expect(seen).toEqual([deadline]);
  });

  it('bounds every call by the service maximum: no header, a malformed one, or one past setTimeout range', async () => {
    const seen: number[] = [];
    const subject = `test.${randomUUID()}.propose`;
    const responder = serveOnNats({
      nc,
      subject,
      queue: `${subject}.q`,
      method,
      requestType: 'arbor.v1.ProposeRequest',
      handle: async (r, signal) => {
        seen.push(signalDeadline(signal)! - Date.now());
        return echo(r);
      },
      logger,
      maxInFlight: 8,
      maxCallMs: 60_000,
    });
    responders.push(responder);
    await nc.flush();
    const payload = method.requestSerialize({ numCandidates: 1 });
    for (const header of [undefined, 'soon', '-5', String(Date.now() + 2 ** 32), String(Number.MAX_SAFE_INTEGER)]) {
      const msg = await request(subject, payload, header === undefined ? {} : { [NATS_HEADERS.deadline]: header });
      // Answered, not DEADLINE_EXCEEDED at once as an overflowing timer would have it.
      expect(msg.headers?.get(NATS_HEADERS.status), String(header)).toBe('');
    }
    expect(seen).toHaveLength(5);
    for (const remaining of seen) {
      expect(remaining).toBeGreaterThan(59_000);
      expect(remaining).toBeLessThanOrEqual(60_000);
    }
  });

  it('answers calls over its in-flight cap busy (RESOURCE_EXHAUSTED with arbor-busy), so the caller waits', async () => {
    const { subject, responder } = serve(async (r) => {
      await sleep(300);
      return echo(r);
    }, 1);
    await nc.flush();
    const first = request(subject, method.requestSerialize({ numCandidates: 1 }));
    await sleep(50);
    const second = await request(subject, method.requestSerialize({ numCandidates: 2 }));
    expect(second.headers?.get(NATS_HEADERS.status)).toBe('RESOURCE_EXHAUSTED');
    expect(second.headers?.get(NATS_HEADERS.busy)).toBe('1/1');
    expect(second.headers?.get(NATS_HEADERS.message)).toMatch(/replica busy: 1 calls in flight \(cap 1\)/);
    expect(method.responseDeserialize(Buffer.from((await first).data)).candidates).toHaveLength(1);
    expect(responder.stats.refused).toBe(1);
  });

  it('answers an oversize request RESOURCE_EXHAUSTED, and the connection stays up past NATS max_payload', async () => {
    const { subject } = serve(echo);
    await nc.flush();
    const big = method.requestSerialize({ numCandidates: 1, problem: { id: 'x'.repeat(MAX_MODEL_MESSAGE_BYTES + 10) } });
    const refused = await request(subject, big);
    expect(refused.headers?.get(NATS_HEADERS.status)).toBe('RESOURCE_EXHAUSTED');
    expect(refused.headers?.get(NATS_HEADERS.message)).toMatch(/request is \d+ bytes; the cap is 262144/);
    // Past the server's max_payload the client refuses to publish; the connection must survive it.
    await expect(request(subject, new Uint8Array(nc.info!.max_payload + 1))).rejects.toThrow(/payload|max/i);
    expect(nc.isClosed()).toBe(false);
    const ok = await request(subject, method.requestSerialize({ numCandidates: 1 }));
    expect(method.responseDeserialize(Buffer.from(ok.data)).candidates).toHaveLength(1);
  });

  it('stop() lets a call in flight finish and answer', async () => {
    const { subject, responder } = serve(async (r) => {
      await sleep(200);
      return echo(r);
    });
    await nc.flush();
    const pending = request(subject, method.requestSerialize({ numCandidates: 5 }));
    await sleep(50);
    await responder.stop(2_000);
    expect(method.responseDeserialize(Buffer.from((await pending).data)).candidates[0]?.step?.text).toBe('got 5');
  });
});

describe('callDeadline', () => {
  it('keeps a header within the maximum, caps one beyond it, and gives the maximum to a missing or bad one', () => {
    expect(callDeadline('1500', 1_000, 10_000)).toBe(1_500);
    expect(callDeadline('999', 1_000, 10_000)).toBe(999); // already past: the caller drops it
    expect(callDeadline('99999999', 1_000, 10_000)).toBe(11_000);
    for (const bad of [undefined, '', ' ', 'x', '0', '-1', 'NaN', 'Infinity']) expect(callDeadline(bad, 1_000, 10_000), String(bad)).toBe(11_000);
  });
});
