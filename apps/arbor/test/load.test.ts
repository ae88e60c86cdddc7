// Load on a one-replica NATS stack: busy replicas make searches wait, never fail, and searches beyond admission are
// refused at once with RESOURCE_EXHAUSTED. Counts and states only; timings belong to `arbor bench faults` (B8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest } from '@arbor/contracts';
import { localNats, type LocalNats } from '@arbor/kit';
import { ResourceExhaustedError } from '@arbor/kit/errors';
import { startServices, type ServingStack } from '../src/compose/services.js';
import { countdownRequest } from './helpers.js';
import { natsOrchestrator, testNamespace, waitForResponders, type NatsOrchestrator } from './nats-helpers.js';

const method = arborV1().SearchService.service.Search;
const decode = (request: SearchRequest) => method.requestDeserialize(method.requestSerialize(request));
const PUZZLES = ['4 9 10 13', '3 3 8 8', '1 5 5 5', '2 4 10 10', '2 7 8 11', '4 4 6 8', '1 2 7 7', '3 9 11 13'];

let nats: LocalNats;
let models: ServingStack;
let namespace: string;
beforeAll(async () => {
  nats = await localNats();
  namespace = testNamespace();
  // One replica per service, each taking at most 8 calls at once and answering after 20 ms: far less than 200
  // searches ask for, so most calls meet a busy replica first.
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    ARBOR_NATS_NAMESPACE: namespace,
    ARBOR_SHUTDOWN_GRACE_MS: '500',
  };
  for (const service of ['POLICY', 'VALUE', 'REWARD']) {
    env[`ARBOR_${service}_LISTEN`] = '127.0.0.1:0';
    env[`ARBOR_${service}_MAX_IN_FLIGHT`] = '8';
    env[`ARBOR_${service}_EMBEDDED_LATENCY_MS`] = '20';
  }
  models = await startServices(['policy', 'value', 'reward'], env, 'silent');
  await waitForResponders(nats.url, namespace);
}, 60_000);
afterAll(async () => {
  await models?.stop();
  await nats?.stop();
});

describe('busy replicas', { timeout: 180_000 }, () => {
  let orchestrator: NatsOrchestrator;
  beforeAll(async () => {
    orchestrator = await natsOrchestrator(nats.url, namespace, { ARBOR_MAX_CONCURRENT_SEARCHES: '64', ARBOR_ADMISSION_QUEUE: '256' });
  });
  afterAll(async () => {
    await orchestrator?.stop();
  });

  it('make 200 concurrent searches wait, never fail: 200 of 200 answered, the call limit learnt from busy replies', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => orchestrator.stack.runner.search(decode(countdownRequest(PUZZLES[i % PUZZLES.length]!, { seed: String(i + 1) })))),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    expect(failures).toEqual([]);
    const stopReasons = new Set(results.map((r) => (r.status === 'fulfilled' ? r.value.stopReason : '')));
    expect([...stopReasons].every((reason) => reason !== 'STOP_REASON_MODEL_UNAVAILABLE')).toBe(true);
    // Busy replies brought each limit down from its start (ARBOR_MAX_CALLS_IN_FLIGHT, 256) towards the 8 a
    // replica takes.
    const { limiters } = orchestrator.stack;
    for (const limiter of [limiters.policy, limiters.value, limiters.reward]) expect(limiter.limit).toBeLessThan(256);
  });
});

describe('searches beyond admission', { timeout: 180_000 }, () => {
  let orchestrator: NatsOrchestrator;
  beforeAll(async () => {
    orchestrator = await natsOrchestrator(nats.url, namespace, { ARBOR_MAX_CONCURRENT_SEARCHES: '16', ARBOR_ADMISSION_QUEUE: '32' });
  });
  afterAll(async () => {
    await orchestrator?.stop();
  });

  it('are refused at once with RESOURCE_EXHAUSTED naming the limits; the admitted ones are all answered', async () => {
    const runner = orchestrator.stack.runner;
    const pending = Array.from({ length: 1_000 }, (_, i) =>
      runner.search(decode(countdownRequest(PUZZLES[i % PUZZLES.length]!, { seed: String(i + 1) }))),
    );
    // Decided as they arrived: 16 running, 32 waiting, the rest refused before any search could finish.
    expect(runner.runningCount).toBe(16);
    expect(runner.waitingCount).toBe(32);
    const results = await Promise.allSettled(pending);
    const answered = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as Error] : []));
    expect(answered).toHaveLength(48);
    expect(refused).toHaveLength(952);
    for (const err of refused) {
      expect(err).toBeInstanceOf(ResourceExhaustedError);
      expect(err.message).toMatch(/ARBOR_MAX_CONCURRENT_SEARCHES=16\) and 32 waiting \(ARBOR_ADMISSION_QUEUE=32\)/);
    }
  });
});
