// serveOnNats against a real nats-server: replies, error replies, deadlines, the in-flight cap, size limits.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { arborV1, MAX_MODEL_MESSAGE_BYTES, NATS_HEADERS, type ProposeRequest__Output, type ProposeResponse } from '@arbor/contracts';
import { InvalidArgumentError } from '../errors.js';
import { createLogger } from '../logger.js';
import { signalDeadline } from '../signal-deadline.js';
import { sleep } from '../sleep.js';
import { connectNats } from './connection.js';
import { serveOnNats, type NatsResponder } from './responder.js';
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
    expect(bad.headers?.get(NATS_HEADERS.message)).toBe('payload: not a valid arbor.v1.ProposeRequest');
    const good = await request(subject, method.requestSerialize({ numCandidates: 1 }));
    expect(method.responseDeserialize(Buffer.from(good.data)).candidates).toHaveLength(1);
    expect(responder.stats).toMatchObject({ served: 1, failed: 1 });
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
    await request(subject, method.requestSerialize({ numCandidates: 1 }));
    expect(seen).toEqual([deadline, undefined]);
  });

  it('refuses calls over its in-flight cap with UNAVAILABLE, so the caller can go elsewhere', async () => {
    const { subject, responder } = serve(async (r) => {
      await sleep(300);
      return echo(r);
    }, 1);
    await nc.flush();
    const first = request(subject, method.requestSerialize({ numCandidates: 1 }));
    await sleep(50);
    const second = await request(subject, method.requestSerialize({ numCandidates: 2 }));
    expect(second.headers?.get(NATS_HEADERS.status)).toBe('UNAVAILABLE');
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
