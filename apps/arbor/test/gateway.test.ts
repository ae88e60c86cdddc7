// The gateway as `serve all` composes it, in front of a real orchestrator (embedded backends), driven by the
// official `openai` npm client: models.list, a plain completion, extra_body overrides, and the error statuses it
// surfaces; then its readiness over real HTTP in front of an orchestrator that serves, one that is not ready,
// and none at all.
import { createServer, type AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningGateway } from '@arbor/gateway';
import { getTask } from '@arbor/tasks';
import { openAiSchemaErrors } from '@arbor/testing/openai-schema';
import { startServices, type ServingStack } from '../src/compose/services.js';

const errorsAgainst = openAiSchemaErrors;

const countdown = getTask('countdown');

describe('the gateway, through the official openai client', { timeout: 120_000 }, () => {
  let stack: ServingStack;
  let gateway: RunningGateway;
  let client: OpenAI;

  beforeAll(async () => {
    stack = await startServices(['all'], { ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_INPROC_WORKERS: '0' }, 'silent');
    gateway = stack.gateway!;
    client = new OpenAI({ baseURL: `http://${gateway.address}/v1`, apiKey: 'sk-dummy', maxRetries: 0 });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is part of serve all, calling the orchestrator at the address it bound (port 0 here), and ready', async () => {
    const orchestrator = stack.services[0]!;
    expect(orchestrator.name).toBe('orchestrator');
    expect(orchestrator.grpc.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(gateway.orchestrator).toBe(orchestrator.grpc.address);
    expect(gateway.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const ready = await fetch(`http://${gateway.address}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', ready: true, orchestrator: 'SERVING' });
    expect((await fetch(`http://${gateway.address}/healthz`)).status).toBe(200);
  });

  it('lists the presets as models, in the pinned ListModelsResponse shape', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['arbor-mcts', 'arbor-beam', 'arbor-bon']);
    expect(models.data[0]).toMatchObject({ object: 'model', owned_by: 'arbor' });
    const raw = await (await fetch(`http://${gateway.address}/v1/models`)).json();
    expect(errorsAgainst('ListModelsResponse', raw)).toEqual([]);
  });

  it('answers a countdown problem with a trajectory ending in an expression that makes 24', async () => {
    const completion = await client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }] });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('stop');
    expect(choice.message.role).toBe('assistant');
    const lastLine = choice.message.content!.split('\n').at(-1)!;
    const problem = { task: 'countdown', question: '4 9 10 13', params: { target: '24' } };
    expect(countdown.verifyAnswer(problem, lastLine)).toBe(true);
    const arbor = (completion as unknown as { arbor: { search_id: string; answer: string; expansions: number; stop_reason: string } }).arbor;
    expect(countdown.verifyAnswer(problem, arbor.answer)).toBe(true);
    expect(completion.id).toBe(`chatcmpl-${arbor.search_id}`);
    expect(arbor.expansions).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBeGreaterThan(0);
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
    expect(errorsAgainst('CreateChatCompletionResponse', completion)).toEqual([]);
  });

  it('reads "Use ... to make N" and answers with the target asked', async () => {
    const completion = await client.chat.completions.create({ model: 'arbor-beam', messages: [{ role: 'user', content: 'Use 2 3 5 7 11 to make 100' }] });
    const arbor = (completion as unknown as { arbor: { answer: string } }).arbor;
    if (completion.choices[0]!.finish_reason === 'stop') {
      expect(countdown.verifyAnswer({ task: 'countdown', question: '2 3 5 7 11', params: { target: '100' } }, arbor.answer)).toBe(true);
    } else {
      expect(arbor.answer).toBe('');
    }
  });

  it('gives the same answer twice for the same seed (extra_body arbor.seed)', async () => {
    const ask = () =>
      client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }], extra_body: { arbor: { seed: '3' } } } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    const [a, b] = [await ask(), await ask()];
    expect(a.choices[0]!.message.content).toBe(b.choices[0]!.message.content);
  });

  it('answers an unknown model with 404 model_not_found', async () => {
    const err = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: '4 9 10 13' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(404);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('model_not_found');
  });

  it('answers a message that states no problem with 400 invalid_request_error, without quoting it', async () => {
    const err = await client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.param).toBe('messages');
    expect(apiError.message).not.toContain('hello');
  });

  it('passes the orchestrator\'s INVALID_ARGUMENT on as 400 naming the field', async () => {
    const err = await client.chat.completions
      .create({ model: 'arbor-beam', messages: [{ role: 'user', content: '4 9 10 13' }], arbor: { params: { beam_width: 1000 } } } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('beam.beam_width');
  });
});

/** An address nothing listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

const get = async (gateway: RunningGateway, path: string) => {
  const response = await fetch(`http://${gateway.address}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('the gateway\'s readiness, over HTTP', { timeout: 60_000 }, () => {
  it('says 503 in front of an orchestrator that is not ready (a model service away), which `serve orchestrator gateway` wires it to', async () => {
    const dead = await deadAddress();
    const stack = await startServices(
      ['orchestrator', 'gateway'],
      {
        ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0',
        ARBOR_GATEWAY_LISTEN: '127.0.0.1:0',
        ARBOR_INPROC_WORKERS: '0',
        ...Object.fromEntries(['POLICY', 'VALUE', 'REWARD'].flatMap((s) => [[`ARBOR_${s}_TRANSPORT`, 'grpc'], [`ARBOR_${s}_ADDRESS`, dead]])),
      },
      'silent',
    );
    try {
      expect(stack.gateway!.orchestrator).toBe(stack.services[0]!.grpc.address);
      expect(await get(stack.gateway!, '/readyz')).toEqual({ status: 503, body: { status: 'not ready', ready: false, orchestrator: 'NOT_SERVING' } });
      expect((await get(stack.gateway!, '/healthz')).status).toBe(200);
    } finally {
      await stack.stop();
    }
  });

  it('says 503 when no orchestrator answers, and answers requests 503 in OpenAI\'s shape, while /healthz and /v1/models stay up', async () => {
    const stack = await startServices(['gateway'], { ARBOR_GATEWAY_LISTEN: '127.0.0.1:0', ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS: await deadAddress() }, 'silent');
    try {
      expect(stack.services).toEqual([]);
      const gateway = stack.gateway!;
      expect(await get(gateway, '/readyz')).toEqual({ status: 503, body: { status: 'not ready', ready: false, orchestrator: 'UNREACHABLE' } });
      expect((await get(gateway, '/healthz')).status).toBe(200);
      expect((await get(gateway, '/v1/models')).status).toBe(200);
      const client = new OpenAI({ baseURL: `http://${gateway.address}/v1`, apiKey: 'sk-dummy', maxRetries: 0 });
      const err = await client.chat.completions.create({ model: 'arbor-mcts', messages: [{ role: 'user', content: '4 9 10 13' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    } finally {
      await stack.stop();
    }
  });
});
