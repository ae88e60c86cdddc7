// Cached prompt tokens end to end: the real backends (policy/openai, value/openai-judge, reward/vllm-prm) read
// what their server reports as served from its prefix cache (usage.prompt_tokens_details.cached_tokens, as vLLM
// sends it with --enable-prompt-tokens-details), the services send it in Usage over gRPC, and a Search over gRPC
// reports it in SearchStats and per service in cost[], and on the search's trace (gen_ai.usage.cache_read.input_tokens
// on the root span and on each call). /pooling reports none, so the reward's is 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR, type TelemetryHandle } from '@arbor/kit';
import { startTelemetry } from '@arbor/kit/telemetry';
import { judgeReply, startFakeModelServer, type FakeModelServer, type FakeRequest, type FakeReply } from '@arbor/testing';
import { checkSearchTrace, fromReadable, totalsOfResult } from '@arbor/testing/trace-spans';
import { search, startGrpcStack, type GrpcStack } from './helpers.js';
import { proposeScripted, QUESTION, REFERENCE, scoreScripted } from './scripted-math-model.js';

/** Of each policy request's prompt tokens (40 and more), this many reported cached. */
const POLICY_CACHED = 32;
/** Of each judge prompt's 20 tokens (judgeReply), this many reported cached. */
const JUDGE_CACHED = 15;

const isJudge = (request: FakeRequest) => request.body?.max_tokens === 1;
/** A completions request's prompts: a list (vLLM) or one string. */
const promptsOf = (request: FakeRequest): string[] => [request.body.prompt].flat();

/** The scripted math policy, its replies reporting cached tokens; the value judge's one-token questions likewise. */
function completions(request: FakeRequest): FakeReply {
  if (isJudge(request)) {
    const prompts = promptsOf(request);
    return judgeReply({ api: 'completions', top: prompts.map(() => ({ ' Yes': Math.log(0.7), ' No': Math.log(0.3) })), cached: JUDGE_CACHED * prompts.length });
  }
  const reply = proposeScripted(request) as Extract<FakeReply, { kind: 'json' }>;
  const body = reply.body as { usage: Record<string, unknown> };
  body.usage.prompt_tokens_details = { cached_tokens: POLICY_CACHED };
  return reply;
}

let fake: FakeModelServer;
let stack: GrpcStack;
const spanExporter = new InMemorySpanExporter();
let telemetry: TelemetryHandle;

beforeAll(async () => {
  telemetry = startTelemetry({ serviceName: 'cached-tokens-test', spanProcessors: [new SimpleSpanProcessor(spanExporter)], metricReaders: [] })!;
  fake = await startFakeModelServer({ '/v1/completions': completions, '/pooling': scoreScripted });
  stack = await startGrpcStack({
    ARBOR_SHUTDOWN_GRACE_MS: '500',
    ARBOR_POLICY_BACKEND: 'openai',
    ARBOR_POLICY_BASE_URL: fake.baseUrl,
    ARBOR_POLICY_MODEL: 'fake/math-policy',
    ARBOR_VALUE_BACKEND: 'openai-judge',
    ARBOR_VALUE_BASE_URL: fake.baseUrl,
    ARBOR_VALUE_MODEL: 'fake/judge',
    ARBOR_VALUE_API: 'completions',
    ARBOR_VALUE_SERVER: 'vllm',
    ARBOR_REWARD_BACKEND: 'vllm-prm',
    ARBOR_REWARD_BASE_URL: fake.baseUrl,
    ARBOR_REWARD_MODEL: 'fake/prm',
    ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
  });
});

afterAll(async () => {
  await stack?.stop();
  await fake?.close();
  await telemetry?.shutdown();
});

describe('cached prompt tokens through a Search over gRPC', () => {
  it('reports the servers\' cached tokens in stats.cached_input_tokens and per service in cost[]', async () => {
    const result = await search(stack.client, {
      problem: { task: 'math', id: 'rolls', question: QUESTION, params: { reference: REFERENCE } },
      beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: true },
      seed: '5',
    });
    expect(result.solved).toBe(true);

    const requests = fake.requestsTo('/v1/completions');
    const policyRequests = requests.filter((r) => !isJudge(r)).length;
    const judgePrompts = requests.filter(isJudge).reduce((sum, r) => sum + promptsOf(r).length, 0);
    expect(policyRequests).toBeGreaterThan(0);
    expect(judgePrompts).toBeGreaterThan(0);
    expect(fake.requestsTo('/pooling').length).toBeGreaterThan(0);

    const cost = Object.fromEntries(result.cost.map((c) => [c.service, c]));
    expect(cost.policy?.cachedInputTokens).toBe(POLICY_CACHED * policyRequests);
    expect(cost.value?.cachedInputTokens).toBe(JUDGE_CACHED * judgePrompts);
    expect(cost.reward?.cachedInputTokens).toBe(0);
    expect(result.stats?.cachedInputTokens).toBe(POLICY_CACHED * policyRequests + JUDGE_CACHED * judgePrompts);
    for (const c of result.cost) expect(c.cachedInputTokens, c.service).toBeLessThanOrEqual(c.inputTokens);
    expect(result.stats?.cachedInputTokens).toBeLessThan(result.stats?.inputTokens ?? 0);

    // The trace says the same: the root's total is the result's and the sum over the calls the search counted.
    await telemetry.forceFlush();
    const spans = spanExporter.getFinishedSpans().map(fromReadable);
    const { root, calls } = checkSearchTrace(spans, totalsOfResult(result), { policy: 'grpc', value: 'grpc', reward: 'grpc' });
    expect(root.attributes[ATTR.genAiCacheReadInputTokens]).toBe(result.stats?.cachedInputTokens);
    const policyCall = calls.find((c) => c.attributes[ATTR.service] === 'policy');
    expect(policyCall?.attributes[ATTR.genAiCacheReadInputTokens]).toBe(POLICY_CACHED);
  });
});
