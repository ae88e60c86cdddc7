// The NATS transport against raw subscribers on a real nats-server: late and duplicate replies, retries,
// error replies and the search deadline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { arborV1, NATS_HEADERS, type ProposeRequest__Output } from '@arbor/contracts';
import { connectNats, localNats, sleep, type LocalNats } from '@arbor/kit';
import { ArborError, DeadlineExceededError, InvalidArgumentError } from '@arbor/kit/errors';
import { NatsLink } from '../src/transport/nats-link.js';
import { natsUnary } from '../src/transport/nats.js';
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

  it('retries UNAVAILABLE replies (a busy replica) and succeeds on the next', async () => {
    const subject = await responder((msg, attempt) => {
      if (attempt === 1) {
        const h = natsHeaders();
        h.set(NATS_HEADERS.status, 'UNAVAILABLE');
        h.set(NATS_HEADERS.message, 'replica busy');
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
});
