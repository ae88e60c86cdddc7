import * as grpc from '@grpc/grpc-js';
import { arborV1, type PolicyServiceClient, type ProposeRequest, type ProposeResponse__Output } from '@arbor/contracts';
import { createLogger, ServicePrices, type RunningGrpcServer } from '@arbor/kit';
import { completionsReply, errorReply, startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProposeHandler } from '../../handler.js';
import { startPolicyServer } from '../../server.js';
import { createOpenAiPolicy } from './policy.js';
import { testSettings } from './test-support.js';

const PATH = '/v1/completions';
let model: FakeModelServer;
let server: RunningGrpcServer;
let client: PolicyServiceClient;

beforeAll(async () => {
  model = await startFakeModelServer();
  const backend = createOpenAiPolicy(testSettings(model.baseUrl, { maxAttempts: 2, model: 'served/qwen' }));
  const prices = new ServicePrices('policy', { openai: { 'served/qwen': { input_per_mtok: 1, output_per_mtok: 2 } } });
  server = await startPolicyServer({ address: '127.0.0.1:0', handler: new ProposeHandler(backend, prices), logger: createLogger('test', { level: 'silent' }) });
  client = new (arborV1().PolicyService)(server.address, grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  await server?.shutdown(1_000);
  await model?.close();
});

function propose(request: ProposeRequest): Promise<ProposeResponse__Output> {
  return new Promise((resolve, reject) =>
    client.Propose(request, { deadline: Date.now() + 20_000 }, (err, response) => (err ? reject(err) : resolve(response!))),
  );
}

const countdownCall: ProposeRequest = {
  problem: { task: 'countdown', id: 'p1', question: '4 9 10 13', params: { target: '24' } },
  prefix: { steps: [] },
  numCandidates: 3,
  sampling: { seed: '11' },
  callId: 'grpc-1',
};

describe('openai policy behind the gRPC PolicyService', () => {
  it('answers Propose with the checked candidates, the invalid count and the priced usage', async () => {
    model.route(PATH, () =>
      completionsReply({
        model: 'served/qwen',
        choices: [{ text: '13 - 9 = 4 (left: 4 4 10)', logprob: -0.5 }, { text: '13 + 9 = 21 (left: 4 10 21)' }, { text: 'hmm' }],
        usage: { prompt: 1_000_000, completion: 500_000 },
      }),
    );
    const r = await propose(countdownCall);
    expect(r.candidates.map((c) => c.step?.text)).toEqual(['13 - 9 = 4 (left: 4 4 10)']);
    expect(r.candidates[0]?.step?.logprob).toBeCloseTo(-0.5, 9);
    expect(r.invalidCandidates).toBe(2);
    expect(r.usage).toMatchObject({ inputTokens: 1_000_000, outputTokens: 500_000, calls: 1, model: 'served/qwen', estimated: false });
    expect(r.usage?.costUsd).toBeCloseTo(2, 9);
    expect(model.requestsTo(PATH).at(-1)?.body).toMatchObject({ model: 'served/qwen', n: 3, seed: 11 });
  });

  it('answers UNAVAILABLE with the reason while the model server fails, and serves again once it recovers', async () => {
    model.route(PATH, () => errorReply(500, 'CUDA out of memory', { 'retry-after': '0' }));
    await expect(propose(countdownCall)).rejects.toMatchObject({
      code: grpc.status.UNAVAILABLE,
      details: expect.stringMatching(/policy model server.*HTTP 500.*CUDA out of memory/),
    });
    model.route(PATH, () => completionsReply({ choices: [{ text: '10 - 4 = 6 (left: 6 9 13)' }] }));
    const r = await propose(countdownCall);
    expect(r.candidates.map((c) => c.step?.text)).toEqual(['10 - 4 = 6 (left: 6 9 13)']);
  });
});
