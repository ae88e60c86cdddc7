// The reward service on a real gRPC server over the vllm-prm backend, against a fake vLLM on real HTTP:
// retries, a model server that stays down, and the service still answering afterwards.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type ScoreRequest, type ScoreResponse__Output } from '@arbor/contracts';
import { createLogger, readServicePrices, type RunningGrpcServer } from '@arbor/kit';
import { errorReply, poolingReply, startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRewardBackend, readRewardConfig, rewardBatching, ScoreHandler, startRewardServer } from '../src/index.js';

let fake: FakeModelServer;
let server: RunningGrpcServer;
let client: grpc.Client & { Score: Function };

beforeAll(async () => {
  fake = await startFakeModelServer({
    '/pooling': (req) => poolingReply({ rows: (req.body.input as string[]).map((text) => text.split('<extra_0>').slice(1).map(() => [0.25, 0.75])) }),
  });
  const config = readRewardConfig({
    ARBOR_REWARD_BACKEND: 'vllm-prm',
    ARBOR_REWARD_BASE_URL: fake.baseUrl,
    ARBOR_REWARD_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
    ARBOR_REWARD_HTTP_MAX_ATTEMPTS: '2',
    ARBOR_REWARD_VERIFY_OUTCOME: 'true',
    // The fake scores every step alike, so the label-order check (label-check.test.ts) would refuse it; and this
    // file counts the requests each call sends.
    ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
  });
  const handler = new ScoreHandler(createRewardBackend(config), readServicePrices('reward', {}), rewardBatching(config));
  server = await startRewardServer({ address: '127.0.0.1:0', handler, logger: createLogger('test', { level: 'silent' }) });
  client = new (arborV1().RewardService)(server.address, grpc.credentials.createInsecure()) as never;
});

afterAll(async () => {
  client?.close();
  await server?.shutdown(0);
  await fake?.close();
});

const request: ScoreRequest = {
  problem: { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } },
  trajectories: [{ steps: [{ text: '6 * 7 = 42' }, { text: 'The answer is \\boxed{42}.' }] }, { steps: [{ text: '6 * 7 = 48' }] }],
  callId: 'c1',
};

function score(req: ScoreRequest): Promise<ScoreResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Score(req, (err: grpc.ServiceError | null, res: ScoreResponse__Output) => (err ? reject(err) : resolve(res)));
  });
}

describe('reward service over gRPC with the vllm-prm backend', () => {
  it('retries a 429 and answers, with the verified outcome', async () => {
    fake.enqueue('/pooling', errorReply(429, 'slow down', { 'retry-after': '0' }));
    const before = fake.requestsTo('/pooling').length;
    const response = await score(request);
    expect(fake.requestsTo('/pooling').length - before).toBe(2);
    expect(response.rewards[0]).toMatchObject({ stepRewards: [0.75, 0.75], outcome: 1 });
    expect(response.rewards[1]?.stepRewards).toEqual([0.75]);
    expect(response.rewards[1]?.outcome).toBeUndefined();
    expect(response.usage).toMatchObject({ calls: 1, inputTokens: 100, model: 'fake-prm' });
  });

  it('answers UNAVAILABLE once the server keeps failing, and serves the next call', async () => {
    fake.enqueue('/pooling', errorReply(503, 'loading'), errorReply(503, 'loading'));
    await expect(score(request)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringContaining('HTTP 503') });
    expect((await score(request)).rewards).toHaveLength(2);
  });

  it('answers INVALID_ARGUMENT for a problem it cannot serve', async () => {
    await expect(score({ ...request, problem: { task: 'chess', id: '', question: 'e4', params: {} } })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });
});
