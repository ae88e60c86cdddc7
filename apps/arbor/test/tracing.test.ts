// One trace per search tree, with the SDK running in this process and an in-memory exporter: over real gRPC
// (port 0), over a real nats-server, and in process. Each search is exactly one trace; every model call is a
// span under the search; the root's totals equal the result's and the sums over the calls; prices reach the
// cost; the metrics add up; and no problem or step text is on any span.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { arborV1, type SearchRequest, type SearchResult__Output } from '@arbor/contracts';
import { ATTR, localNats, METRIC, type LocalNats, type TelemetryHandle } from '@arbor/kit';
import { startTelemetry } from '@arbor/kit/telemetry';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type MetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import type { Stack } from '@arbor/orchestrator';
import { composeOrchestrator, startServices, type ServingStack } from '../src/compose/services.js';
import { startFakeModelServer, type FakeModelServer } from '@arbor/testing';
import { countdownRequest, search, silent, startGrpcStack, type GrpcStack } from './helpers.js';
import { proposeScripted, QUESTION, REFERENCE, RIGHT, scoreScripted, WRONG } from './scripted-math-model.js';
import { natsOrchestrator, testNamespace, waitForResponders, type NatsOrchestrator } from './nats-helpers.js';
import { checkSearchTrace, expectNoText, fromReadable, totalsOfResult, type SpanRecord } from '@arbor/testing/trace-spans';

// Puzzles the default search solves; their number strings are the "problem text" that must never reach a span.
const PUZZLES = ['2 7 8 11', '4 9 10 13', '3 3 8 8'];

// Prices so that cost is not trivially 0: tokens for policy and reward, a per-call price for value.
const PRICES = {
  ARBOR_POLICY_PRICE_INPUT_PER_MTOK: '0.15',
  ARBOR_POLICY_PRICE_OUTPUT_PER_MTOK: '0.6',
  ARBOR_VALUE_PRICE_PER_CALL: '0.00002',
  ARBOR_REWARD_PRICE_INPUT_PER_MTOK: '0.05',
};

const spanExporter = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
let telemetry: TelemetryHandle;

beforeAll(() => {
  // The model handlers read their prices from the environment when they are built, as in a deployment.
  for (const [key, value] of Object.entries(PRICES)) vi.stubEnv(key, value);
  telemetry = startTelemetry({
    serviceName: 'tracing-test',
    spanProcessors: [new SimpleSpanProcessor(spanExporter)],
    metricReaders: [new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 })],
  })!;
});
afterAll(async () => {
  await telemetry?.shutdown();
  vi.unstubAllEnvs();
});

async function finishedSpans(): Promise<SpanRecord[]> {
  await telemetry.forceFlush();
  return spanExporter.getFinishedSpans().map(fromReadable);
}

/** Runs the puzzles concurrently (so their spans interleave) and checks every tree's trace. */
async function runAndCheck(
  run: (request: SearchRequest) => Promise<SearchResult__Output>,
  paths: Parameters<typeof checkSearchTrace>[2],
): Promise<{ results: SearchResult__Output[]; spans: SpanRecord[] }> {
  spanExporter.reset();
  const results = await Promise.all(PUZZLES.map((numbers, i) => run(countdownRequest(numbers, { seed: String(i + 1) }))));
  const spans = await finishedSpans();
  expect(new Set(spans.map((s) => s.traceId)).size, 'exactly one trace per search').toBe(results.length);
  expect(new Set(results.map((r) => r.traceId)).size).toBe(results.length);
  for (const result of results) {
    expect(result.solved).toBe(true);
    expect(result.stats!.costUsd).toBeGreaterThan(0);
    const { root } = checkSearchTrace(spans, totalsOfResult(result), paths);
    expect(root.attributes[ATTR.algorithm]).toBe('mcts');
    // Searches that came without credentials belong to the anonymous tenant; the tenant is a label, never a token.
    expect(root.attributes[ATTR.tenant]).toBe('default');
    expect(root.attributes[ATTR.task]).toBe('countdown');
  }
  // No problem, step or answer text on any span.
  const texts = [...PUZZLES, 'left:', ...results.map((r) => r.answer), ...results.flatMap((r) => r.best?.steps.map((s) => s.text) ?? [])];
  expectNoText(spans, texts);
  return { results, spans };
}

const decode = (request: SearchRequest) => {
  const method = arborV1().SearchService.service.Search;
  return method.requestDeserialize(method.requestSerialize(request));
};
const encodeResult = (result: Awaited<ReturnType<Stack['runner']['search']>>): SearchResult__Output => {
  const method = arborV1().SearchService.service.Search;
  return method.responseDeserialize(method.responseSerialize(result));
};

describe('a search over gRPC', () => {
  let stack: GrpcStack;
  beforeAll(async () => {
    stack = await startGrpcStack(PRICES);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('is one trace whose root is the search, with every call and its server span under it', async () => {
    const { spans, results } = await runAndCheck((request) => search(stack.client, request), { policy: 'grpc', value: 'grpc', reward: 'grpc' });
    for (const result of results) {
      const trace = spans.filter((s) => s.traceId === result.traceId);
      const roots = trace.filter((s) => s.parentSpanId === '' || !trace.some((p) => p.spanId === s.parentSpanId));
      expect(roots.map((s) => s.name)).toEqual(['search']);
      expect(new Set(trace.filter((s) => s.kind === 'server').map((s) => s.name))).toEqual(
        new Set(['arbor.v1.PolicyService/Propose', 'arbor.v1.ValueService/Evaluate', 'arbor.v1.RewardService/Score']),
      );
    }
  });
});

describe('a search over NATS', () => {
  let nats: LocalNats;
  let models: ServingStack;
  let orchestrator: NatsOrchestrator;
  beforeAll(async () => {
    nats = await localNats();
    const namespace = testNamespace();
    models = await startServices(
      ['policy', 'value', 'reward'],
      {
        NATS_URL: nats.url,
        ARBOR_NATS_NAMESPACE: namespace,
        ARBOR_POLICY_LISTEN: '127.0.0.1:0',
        ARBOR_VALUE_LISTEN: '127.0.0.1:0',
        ARBOR_REWARD_LISTEN: '127.0.0.1:0',
        ARBOR_SHUTDOWN_GRACE_MS: '500',
        ...PRICES,
      },
      'silent',
    );
    await waitForResponders(nats.url, namespace);
    orchestrator = await natsOrchestrator(nats.url, namespace);
  });
  afterAll(async () => {
    await orchestrator?.stop();
    await models?.stop();
    await nats?.stop();
  });

  it('is one trace: search, call, producer per attempt, the replica\'s consumer span', async () => {
    const { spans } = await runAndCheck(
      async (request) => encodeResult(await orchestrator.stack.runner.search(decode(request))),
      { policy: 'nats', value: 'nats', reward: 'nats' },
    );
    const producer = spans.find((s) => s.kind === 'producer');
    expect(producer?.attributes).toMatchObject({ [ATTR.messagingSystem]: 'nats', [ATTR.messagingOperationType]: 'send' });
    expect(String(producer?.attributes[ATTR.messagingDestination])).toMatch(/\.arbor\.v1\.(policy\.propose|value\.evaluate|reward\.score)$/);
  });
});

describe('a math search on the real backends, in process', () => {
  let fake: FakeModelServer;
  let stack: Stack;
  beforeAll(async () => {
    fake = await startFakeModelServer({ '/v1/completions': proposeScripted, '/pooling': scoreScripted });
    stack = composeOrchestrator({
        ARBOR_POLICY_BACKEND: 'openai',
        ARBOR_POLICY_BASE_URL: fake.baseUrl,
        ARBOR_POLICY_MODEL: 'fake/math-policy',
        ARBOR_REWARD_BACKEND: 'vllm-prm',
        ARBOR_REWARD_BASE_URL: fake.baseUrl,
        ARBOR_REWARD_MODEL: 'fake/prm',
        // The scripted PRM scores only the search's steps; the label-order check has its own tests (services/reward).
        ARBOR_REWARD_PRM_LABEL_CHECK: 'false',
      },
      silent,
    );
  });
  afterAll(async () => {
    await stack?.transports.close();
    await fake?.close();
  });

  it('puts one span per model-server request under the call that made it, with no problem or step text', async () => {
    spanExporter.reset();
    const result = await stack.runner.search(
      decode({
        problem: { task: 'math', id: 'rolls', question: QUESTION, params: { reference: REFERENCE } },
        beam: { beamWidth: 2, expansionsPerBeam: 2, useValue: false },
        seed: '5',
      }),
    );
    expect(result.solved).toBe(true);
    const spans = (await finishedSpans()).filter((s) => s.traceId === result.traceId);
    const http = spans.filter((s) => s.kind === 'client' && s.name.startsWith('POST '));
    expect(http.filter((s) => s.name === 'POST /completions')).toHaveLength(fake.requestsTo('/v1/completions').length);
    expect(http.filter((s) => s.name === 'POST /pooling')).toHaveLength(fake.requestsTo('/pooling').length);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const span of http) {
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.attributes['server.address']).toBe('127.0.0.1');
      // Under the model call's span (policy or reward), itself under the search.
      const call = byId.get(span.parentSpanId);
      expect(call?.kind, span.name).toBe('client');
      expect(byId.get(call?.parentSpanId ?? '')?.name).toBe('search');
    }
    expectNoText(spans, [QUESTION, ...RIGHT, ...WRONG]);
  });
});

describe('a search in process', () => {
  let stack: Stack;
  beforeAll(() => {
    stack = composeOrchestrator(PRICES, silent);
  });

  it('is one trace whose root is the search', async () => {
    const { spans, results } = await runAndCheck(async (request) => encodeResult(await stack.runner.search(decode(request))), {
      policy: 'inproc',
      value: 'inproc',
      reward: 'inproc',
    });
    for (const result of results) {
      const root = spans.find((s) => s.traceId === result.traceId && s.name === 'search');
      expect(root?.parentSpanId).toBe('');
    }
  });

  it('records the metrics: cost per tree, token usage, call duration per service, searches by stop reason', async () => {
    metricExporter.reset();
    const results = await Promise.all(PUZZLES.map((n) => stack.runner.search(decode(countdownRequest(n, { seed: '9' })))));
    await telemetry.forceFlush();
    const batches = metricExporter.getMetrics();
    const latest = batches[batches.length - 1]!;
    const metrics = new Map<string, MetricData>(latest.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.descriptor.name, m] as const)));

    const cost = metrics.get(METRIC.treeCost) as HistogramMetricData;
    expect(cost.dataPointType).toBe(DataPointType.HISTOGRAM);
    const costPoints = cost.dataPoints;
    // Cumulative over the whole file; the three searches of this test are in it.
    expect(costPoints.reduce((n, p) => n + p.value.count, 0)).toBeGreaterThanOrEqual(results.length);
    expect(costPoints.every((p) => p.attributes[ATTR.treeStopReason] !== undefined)).toBe(true);

    const searches = metrics.get(METRIC.searches) as SumMetricData;
    const solved = searches.dataPoints.filter((p) => p.attributes[ATTR.treeStopReason] === 'solved').reduce((n, p) => n + p.value, 0);
    expect(solved).toBeGreaterThanOrEqual(results.length);

    const tokens = metrics.get(METRIC.tokenUsage) as HistogramMetricData;
    const types = new Set(tokens.dataPoints.map((p) => `${String(p.attributes[ATTR.service])}/${String(p.attributes[ATTR.genAiTokenType])}`));
    for (const service of ['policy', 'value', 'reward']) for (const type of ['input', 'output']) expect(types).toContain(`${service}/${type}`);

    const duration = metrics.get(METRIC.modelCallDuration) as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    expect(new Set(duration.dataPoints.map((p) => p.attributes[ATTR.service]))).toEqual(new Set(['policy', 'value', 'reward']));
  });

  it("labels the root span and the per-search metrics with the search's tenant", async () => {
    spanExporter.reset();
    metricExporter.reset();
    const principal = { tenant: 'team-trace', via: 'token' as const, limits: {} };
    const result = await stack.runner.search(decode(countdownRequest('4 9 10 13', { seed: '3' })), { principal });
    const root = (await finishedSpans()).find((s) => s.traceId === result.traceId && s.name === 'search');
    expect(root?.attributes[ATTR.tenant]).toBe('team-trace');
    const batches = metricExporter.getMetrics();
    const metrics = batches[batches.length - 1]!.scopeMetrics.flatMap((s) => s.metrics);
    const searches = metrics.find((m) => m.descriptor.name === METRIC.searches) as SumMetricData;
    const ofTenant = searches.dataPoints.filter((p) => p.attributes[ATTR.tenant] === 'team-trace');
    expect(ofTenant.reduce((n, p) => n + p.value, 0)).toBe(1);
    const cost = metrics.find((m) => m.descriptor.name === METRIC.treeCost) as HistogramMetricData;
    expect(cost.dataPoints.filter((p) => p.attributes[ATTR.tenant] === 'team-trace').reduce((n, p) => n + p.value.count, 0)).toBe(1);
  });

  it('keeps returning one random trace id per search with tracing off', async () => {
    await telemetry.shutdown();
    try {
      const results = await Promise.all(PUZZLES.map((n) => stack.runner.search(decode(countdownRequest(n)))));
      for (const r of results) expect(r.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
      expect(new Set(results.map((r) => r.traceId)).size).toBe(results.length);
    } finally {
      telemetry = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(spanExporter)], metricReaders: [] })!;
    }
  });
});
