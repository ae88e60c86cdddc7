// The value service on a real gRPC server over the http backend, against a fake value head on real HTTP:
// retries, a model server that stays down, and the service still answering afterwards.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type EvaluateRequest, type EvaluateResponse__Output } from '@arbor/contracts';
import { createLogger, readServicePrices, type RunningGrpcServer } from '@arbor/kit';
import { errorReply, startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createValueBackend, EvaluateHandler, readValueConfig, startValueServer, valueBatching } from '../src/index.js';

let fake: FakeModelServer;
let server: RunningGrpcServer;
let client: grpc.Client & { Evaluate: Function };

beforeAll(async () => {
  fake = await startFakeModelServer({ '/value': (req) => ({ kind: 'json', body: { values: (req.body.items as unknown[]).map(() => 0.75) } }) });
  const config = readValueConfig({ ARBOR_VALUE_BACKEND: 'http', ARBOR_VALUE_BASE_URL: `${fake.url}/value`, ARBOR_VALUE_HTTP_MAX_ATTEMPTS: '2' });
  const handler = new EvaluateHandler(createValueBackend(config), readServicePrices('value', {}), valueBatching(config));
  server = await startValueServer({ address: '127.0.0.1:0', handler, logger: createLogger('test', { level: 'silent' }) });
  client = new (arborV1().ValueService)(server.address, grpc.credentials.createInsecure()) as never;
});

afterAll(async () => {
  client?.close();
  await server?.shutdown(0);
  await fake?.close();
});

const request: EvaluateRequest = {
  problem: { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } },
  states: [{ steps: [{ text: '6 * 7 = 42' }] }, { steps: [] }],
  callId: 'c1',
};

function evaluate(req: EvaluateRequest): Promise<EvaluateResponse__Output> {
  return new Promise((resolve, reject) => {
    client.Evaluate(req, (err: grpc.ServiceError | null, res: EvaluateResponse__Output) => (err ? reject(err) : resolve(res)));
  });
}

describe('value service over gRPC with the http backend', () => {
  it('retries a 429 and answers', async () => {
    fake.enqueue('/value', errorReply(429, 'slow down', { 'retry-after': '0' }));
    const before = fake.requestsTo('/value').length;
    const response = await evaluate(request);
    expect(response.values).toEqual([0.75, 0.75]);
    expect(response.usage).toMatchObject({ calls: 1, estimated: true });
    expect(fake.requestsTo('/value').length - before).toBe(2);
  });

  it('answers UNAVAILABLE once the head keeps failing, and serves the next call', async () => {
    fake.enqueue('/value', errorReply(503, 'loading'), errorReply(503, 'loading'));
    await expect(evaluate(request)).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE, details: expect.stringContaining('HTTP 503') });
    expect((await evaluate(request)).values).toEqual([0.75, 0.75]);
  });

  it('answers INVALID_ARGUMENT for a problem it cannot serve', async () => {
    await expect(evaluate({ ...request, problem: { task: 'chess', id: '', question: 'e4', params: {} } })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
    });
  });
});
