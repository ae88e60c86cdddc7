// No log line carries a caller's problem, a step or an answer: a distinctive string put in problems, in bad
// requests and in the replies of a model server that echoes its input (as servers do in their errors) must appear
// in no line `arbor serve all` writes, at the most verbose log level.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest, type SearchServiceClient } from '@arbor/contracts';
import { errorReply, startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { startArbor, type ServiceProcess } from '../src/serve-process.js';

const CANARY = 'zebra-canary-7f3q';

let fake: FakeModelServer;
let server: ServiceProcess;
let client: SearchServiceClient;

beforeAll(async () => {
  // A model server that answers every completion with an error quoting the problem in the prompt it was sent.
  fake = await startFakeModelServer({
    '/v1/completions': (request) => {
      const prompt = String(request.body?.prompt ?? '');
      return errorReply(400, `Cannot continue: ${prompt.slice(Math.max(0, prompt.indexOf('Natalia')))}`);
    },
  });
  server = await startArbor('serve all', ['all'], {
    ...process.env,
    LOG_LEVEL: 'trace',
    ARBOR_POLICY_BACKEND: 'openai',
    ARBOR_POLICY_BASE_URL: fake.baseUrl,
    ARBOR_POLICY_MODEL: 'fake/policy',
    ARBOR_REWARD_BACKEND: 'math-verify',
  });
  client = new (arborV1().SearchService)(server.address, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.stop();
  await fake?.close();
});

function send(request: SearchRequest): Promise<{ code: number; details: string }> {
  return new Promise((resolve) =>
    client.Search(request, { deadline: Date.now() + 30_000 }, (err, result) =>
      resolve(err ? { code: err.code, details: err.details } : { code: 0, details: result?.stopReason ?? '' }),
    ),
  );
}

describe('a canary in problems, bad requests and failing calls', { timeout: 60_000 }, () => {
  it('appears in no log line of arbor serve all', async () => {
    const outcomes = [
      // Bad requests: a question that is not numbers, an unknown task, an unknown parameter, a bad search id.
      await send({ problem: { task: 'countdown', question: `4 ${CANARY} 10 13`, params: { target: '24' } } }),
      await send({ problem: { task: 'countdown', question: '4 9 10 13', params: { target: CANARY } } }),
      // Names are shown only when short and plain (a task or parameter name someone misspelt); these are neither.
      await send({ problem: { task: `${CANARY} ${'y'.repeat(60)}`, question: '4 9 10 13' } }),
      await send({ problem: { task: 'math', question: 'What is 6 times 7?', params: { [`${CANARY}.${'y'.repeat(60)}`]: '1' } } }),
      await send({ searchId: `${CANARY}/${'x'.repeat(10_000)}`, problem: { task: 'countdown', question: '4 9 10 13' } }),
      // A search whose model calls fail, the model server quoting the prompt that holds the canary.
      await send({
        problem: { task: 'math', question: `Natalia, whose password is ${CANARY}, sold 48 clips. How many?`, params: { reference: CANARY } },
        beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: false },
      }),
    ];
    // Each was refused or failed, with a status that says why.
    expect(outcomes.map((o) => o.code)).toEqual([
      grpc.status.INVALID_ARGUMENT,
      grpc.status.INVALID_ARGUMENT,
      grpc.status.INVALID_ARGUMENT,
      grpc.status.INVALID_ARGUMENT,
      grpc.status.INVALID_ARGUMENT,
      grpc.status.FAILED_PRECONDITION,
    ]);
    for (const outcome of outcomes) expect(outcome.details).not.toContain(CANARY);
    expect(fake.requestsTo('/v1/completions').length).toBeGreaterThan(0);
    // Through the gateway of serve all: a model name that is no preset, and a search (whose model calls fail, as
    // above: 400 failed_precondition) with the canary in a message it does not read.
    const viaGateway = async (body: object) => {
      const response = await fetch(`http://${server.gatewayAddress!}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: response.status, text: await response.text() };
    };
    const unknownModel = await viaGateway({ model: `${CANARY}-${'y'.repeat(60)}`, messages: [{ role: 'user', content: '4 9 10 13' }] });
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.text).not.toContain(CANARY);
    const answered = await viaGateway({ model: 'arbor-bon', messages: [{ role: 'system', content: CANARY }, { role: 'user', content: '4 9 10 13' }] });
    expect(answered.status).toBe(400);
    expect(answered.text).not.toContain(CANARY);
    const log = server.log();
    expect(log).toMatch(/"msg":"call rejected"/);
    const lines = log.split('\n').filter((line) => line.toLowerCase().includes(CANARY));
    expect(lines).toEqual([]);
  });
});
