// Cached prompt tokens, read where each server reports them and summed over the requests of one Propose into
// Usage.cached_input_tokens: usage.prompt_tokens_details.cached_tokens (vLLM with --enable-prompt-tokens-details,
// SGLang with --enable-cache-report, OpenAI), llama.cpp's timings.cache_n, none from Ollama. Against the fake
// model server on real HTTP, behaving as each server does (emulatedServerRoutes), and once through gRPC.
import * as grpc from '@grpc/grpc-js';
import { arborV1, type ProposeResponse__Output } from '@arbor/contracts';
import { createLogger, ServicePrices } from '@arbor/kit';
import { completionsReply, emulatedServerRoutes, startFakeModelServerForTest, type EmulatedServer, type EmulationOptions } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { ProposeHandler } from '../../handler.js';
import { startPolicyServer } from '../../server.js';
import type { PolicyApi } from '../../config.js';
import { createOpenAiPolicy } from './policy.js';
import { countdownRequest, mathRequest, signal, testSettings } from './test-support.js';
import type { ServerKind } from './server-kind.js';

async function emulated(kind: EmulatedServer, options: EmulationOptions = {}) {
  return startFakeModelServerForTest(emulatedServerRoutes(kind, options));
}

/** The openai policy aimed at `baseUrl` as a server of `server` kind, serving the emulation's model. */
function policyOn(baseUrl: string, server: ServerKind, api: PolicyApi = 'completions', maxN = 8) {
  return createOpenAiPolicy(testSettings(baseUrl, { model: 'fake-model', server, api, maxN, maxAttempts: 1 }));
}

describe('cached prompt tokens in the Usage of a Propose', () => {
  it('vLLM (--enable-prompt-tokens-details): usage.prompt_tokens_details.cached_tokens, summed over the requests', async () => {
    const server = await emulated('vllm');
    // 4 candidates at most 2 per request: two requests, each 40 prompt tokens of which 32 cached.
    const r = await policyOn(server.baseUrl, 'vllm', 'completions', 2).propose(mathRequest('What is 6 * 7?', [], 4), signal);
    expect(server.requestsTo('/v1/completions')).toHaveLength(2);
    expect(r.usage).toMatchObject({ inputTokens: 80, cachedInputTokens: 64, estimated: false });
  });

  it('SGLang (--enable-cache-report) and OpenAI chat: the same field', async () => {
    const sglang = await emulated('sglang', { cachedTokens: true });
    const fromSglang = await policyOn(sglang.baseUrl, 'sglang').propose(mathRequest('What is 6 * 7?', [], 2), signal);
    expect(fromSglang.usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 32 });
    const openai = await emulated('openai');
    const fromOpenAi = await policyOn(openai.baseUrl, 'openai', 'chat').propose(countdownRequest('4 9 10 13', [], 2), signal);
    expect(openai.requestsTo('/v1/chat/completions')).toHaveLength(1);
    expect(fromOpenAi.usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 32 });
  });

  it("llama.cpp: timings.cache_n, which its /v1 routes send beside a usage without details", async () => {
    const server = await emulated('llama.cpp', { slots: 4 });
    const body = (await (await fetch(`${server.baseUrl}/completions`, { method: 'POST', body: JSON.stringify({ model: 'fake-model', prompt: 'x' }) })).json()) as {
      usage: Record<string, unknown>;
      timings: { cache_n: number };
    };
    expect(body.usage.prompt_tokens_details).toBeUndefined();
    expect(body.timings.cache_n).toBe(32);
    const r = await policyOn(server.baseUrl, 'llama.cpp').propose(mathRequest('What is 6 * 7?', [], 2), signal);
    expect(r.usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 32 });
  });

  it('reports 0 where the server reports none: SGLang without the flag, Ollama, a reply without usage', async () => {
    const sglang = await emulated('sglang');
    expect((await policyOn(sglang.baseUrl, 'sglang').propose(mathRequest('q', [], 2), signal)).usage).toMatchObject({ cachedInputTokens: 0, estimated: false });
    const ollama = await emulated('ollama');
    expect((await policyOn(ollama.baseUrl, 'ollama', 'completions', 1).propose(mathRequest('q', [], 2), signal)).usage?.cachedInputTokens).toBe(0);
    const bare = await startFakeModelServerForTest({ '/v1/completions': () => completionsReply({ choices: [{ text: 'Step one.' }], usage: null }) });
    const r = await policyOn(bare.baseUrl, 'vllm').propose(mathRequest('q', [], 1), signal);
    expect(r.usage).toMatchObject({ cachedInputTokens: 0, estimated: true });
  });

  it('never reports more cached tokens than input tokens', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': () => completionsReply({ choices: [{ text: 'Step one.' }], usage: { prompt: 10, completion: 3, cached: 64 } }),
    });
    const r = await policyOn(server.baseUrl, 'vllm').propose(mathRequest('q', [], 1), signal);
    expect(r.usage).toMatchObject({ inputTokens: 10, cachedInputTokens: 10 });
  });

  it('reaches a gRPC caller in ProposeResponse.usage.cached_input_tokens', async () => {
    const model = await emulated('vllm');
    const backend = policyOn(model.baseUrl, 'vllm');
    const prices = new ServicePrices('policy', { openai: { 'fake-model': { input_per_mtok: 1, output_per_mtok: 2 } } });
    const server = await startPolicyServer({ address: '127.0.0.1:0', handler: new ProposeHandler(backend, prices), logger: createLogger('test', { level: 'silent' }) });
    const client = new (arborV1().PolicyService)(server.address, grpc.credentials.createInsecure());
    try {
      const request = { ...mathRequest('What is 6 * 7?', [], 2), sampling: { seed: '3' } };
      const response = await new Promise<ProposeResponse__Output>((resolve, reject) =>
        client.Propose(request, { deadline: Date.now() + 20_000 }, (err, reply) => (err ? reject(err) : resolve(reply!))),
      );
      expect(response.usage).toMatchObject({ inputTokens: 40, cachedInputTokens: 32, calls: 1, model: 'fake-model' });
      // Priced on the input tokens as reported, cached ones included (the price table has no cached rate).
      expect(response.usage?.costUsd).toBeCloseTo((40 * 1 + (response.usage?.outputTokens ?? 0) * 2) / 1e6, 12);
    } finally {
      client.close();
      await server.shutdown(1_000);
    }
  });
});
