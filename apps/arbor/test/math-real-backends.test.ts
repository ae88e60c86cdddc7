// A math word problem searched end to end through the real backends — policy/openai and reward/vllm-prm —
// served on NATS, against a fake OpenAI-compatible + vLLM pooling server on real HTTP (scripted-math-model.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest } from '@arbor/contracts';
import { localNats, type LocalNats } from '@arbor/kit';
import { startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { startServices, type ServingStack } from '../src/compose/services.js';
import { natsOrchestrator, testNamespace, waitForResponders, type NatsOrchestrator } from './nats-helpers.js';
import { proposeScripted, QUESTION, REFERENCE, RIGHT, rightStepsIn, scoreScripted } from './scripted-math-model.js';

const method = arborV1().SearchService.service.Search;
const decode = (request: SearchRequest) => method.requestDeserialize(method.requestSerialize(request));

let nats: LocalNats;
let fake: FakeModelServer;
let models: ServingStack;
let orchestrator: NatsOrchestrator;

beforeAll(async () => {
  nats = await localNats();
  fake = await startFakeModelServer({ '/v1/completions': proposeScripted, '/pooling': scoreScripted });
  const namespace = testNamespace();
  models = await startServices(
    ['policy', 'reward'],
    {
      NATS_URL: nats.url,
      ARBOR_NATS_NAMESPACE: namespace,
      ARBOR_POLICY_LISTEN: '127.0.0.1:0',
      ARBOR_REWARD_LISTEN: '127.0.0.1:0',
      ARBOR_SHUTDOWN_GRACE_MS: '500',
      ARBOR_POLICY_BACKEND: 'openai',
      ARBOR_POLICY_BASE_URL: fake.baseUrl,
      ARBOR_POLICY_MODEL: 'fake/math-policy',
      ARBOR_POLICY_PRICE_INPUT_PER_MTOK: '1',
      ARBOR_POLICY_PRICE_OUTPUT_PER_MTOK: '2',
      ARBOR_REWARD_BACKEND: 'vllm-prm',
      ARBOR_REWARD_BASE_URL: fake.baseUrl,
      ARBOR_REWARD_MODEL: 'fake/prm',
      // The scripted PRM scores only the search's steps; the label-order check has its own tests (services/reward).
      ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
    },
    'silent',
  );
  await waitForResponders(nats.url, namespace, ['propose', 'score']);
  orchestrator = await natsOrchestrator(nats.url, namespace);
});

afterAll(async () => {
  await orchestrator?.stop();
  await models?.stop();
  await fake?.close();
  await nats?.stop();
});

describe('math search through policy/openai and reward/vllm-prm over NATS', () => {
  it('finds and verifies the answer, with usage from the servers', async () => {
    const request = decode({
      problem: { task: 'math', id: 'rolls', question: QUESTION, params: { reference: REFERENCE } },
      beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: false },
      seed: '5',
    });
    const result = await orchestrator.stack.runner.search(request);

    expect(result.answer).toBe('43');
    expect(result.solved).toBe(true);
    expect((result.best?.steps ?? []).map((s) => s.text)).toEqual(RIGHT);
    // Every step's logprob is what the server reported (-0.5 for right steps).
    for (const step of result.best?.steps ?? []) expect(step.logprob).toBeCloseTo(-0.5);

    const completions = fake.requestsTo('/v1/completions');
    const pooling = fake.requestsTo('/pooling');
    expect(completions.length).toBe(result.stats?.expansions);
    expect(completions[0]?.body).toMatchObject({ model: 'fake/math-policy', n: 2, stop: ['\n\n'] });
    expect(completions[0]?.body.prompt).toContain(QUESTION);
    // The PRM sees each step followed by its step tag.
    expect(pooling.length).toBeGreaterThan(0);
    expect(pooling[0]?.body.model).toBe('fake/prm');
    expect(pooling.at(-1)?.body.input.some((text: string) => text.includes(`${RIGHT[0]}<extra_0>`))).toBe(true);

    // Tokens are the servers' own counts, and the policy's are priced at $1 / $2 per million.
    const policy = result.cost?.find((c) => c.service === 'policy');
    const reward = result.cost?.find((c) => c.service === 'reward');
    const policyIn = completions.reduce((sum, r) => sum + 40 + 10 * rightStepsIn(r), 0);
    expect(policy?.inputTokens).toBe(policyIn);
    expect(policy?.outputTokens).toBe(completions.reduce((sum, r) => sum + 12 * Number(r.body.n), 0));
    expect(policy?.costUsd).toBeCloseTo(((policy?.inputTokens ?? 0) * 1 + (policy?.outputTokens ?? 0) * 2) / 1e6, 12);
    expect(reward?.inputTokens).toBe(pooling.reduce((sum, r) => sum + 60 * r.body.input.length, 0));
  });

  it('reports a model server failure as the search stop reason, and the services stay up', async () => {
    fake.route('/v1/completions', () => ({ kind: 'json', status: 503, body: { error: { message: 'overloaded' } } }));
    try {
      const request = decode({
        problem: { task: 'math', id: 'down', question: QUESTION, params: { reference: REFERENCE } },
        beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: false },
        budget: { deadlineMs: 20_000 },
        seed: '6',
      });
      // With no answer found before the outage, the search fails with UNAVAILABLE rather than returning nothing.
      await expect(orchestrator.stack.runner.search(request)).rejects.toMatchObject({ kind: 'unavailable' });
    } finally {
      fake.route('/v1/completions', proposeScripted);
    }
    const again = await orchestrator.stack.runner.search(
      decode({ problem: { task: 'math', id: 'again', question: QUESTION, params: { reference: REFERENCE } }, beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: false }, seed: '7' }),
    );
    expect(again.solved).toBe(true);
  });
});
