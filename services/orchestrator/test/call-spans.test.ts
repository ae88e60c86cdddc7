// What a model-call span says when the search stops waiting for it: a reply that lands after the search's
// deadline is `discarded` (paid for, on the span, but not in the tree's totals), a call the search aborted is
// `aborted`, and a failed call is an error; the root's totals still equal the sums over the `ok` calls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { arborV1, type ProposeResponse__Output, type SearchRequest } from '@arbor/contracts';
import { ATTR, CALL_OUTCOME, sleep, type TelemetryHandle } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';
import { startTelemetry } from '@arbor/kit/telemetry';
import { SearchRunner } from '../src/search-runner.js';
import type { CallOptions, ModelTransports } from '../src/transport/types.js';
import { countdownRequest, silent } from '@arbor/testing';
import { fromReadable, type SpanRecord } from '@arbor/testing/trace-spans';

const exporter = new InMemorySpanExporter();
let telemetry: TelemetryHandle;
beforeAll(() => {
  telemetry = startTelemetry({ spanProcessors: [new SimpleSpanProcessor(exporter)], metricReaders: [] })!;
});
afterAll(async () => {
  await telemetry?.shutdown();
});

const usage = { inputTokens: 100, outputTokens: 20, calls: 1, costUsd: 0.5, computeMs: 1, model: 'fake/policy', estimated: false, cachedInputTokens: 60 };
const proposal: ProposeResponse__Output = {
  candidates: [{ step: { text: '1 + 1 = 2 (left: 2)', logprob: -1, tokens: 5 }, terminal: false, answer: '' }],
  usage,
  invalidCandidates: 0,
};

/** Transports whose propose is `propose`; value and reward are never reached in these tests. */
function transports(propose: (options: CallOptions) => Promise<ProposeResponse__Output>): Omit<ModelTransports, 'close'> {
  const never = () => Promise.reject(new Error('not used'));
  return {
    propose: async (_request, options) => ({ response: await propose(options), attempts: 1 }),
    evaluate: never,
    score: never,
  };
}

const decode = (request: SearchRequest) => {
  const method = arborV1().SearchService.service.Search;
  return method.requestDeserialize(method.requestSerialize(request));
};

async function spansOf(traceId: string): Promise<SpanRecord[]> {
  await telemetry.forceFlush();
  return exporter.getFinishedSpans().map(fromReadable).filter((s) => s.traceId === traceId);
}

describe('model-call spans', () => {
  it('mark a reply that lands after the deadline as discarded, outside the tree\'s totals', async () => {
    // The model ignores the abort and answers late, as an in-process backend or a slow server would.
    const runner = new SearchRunner({ logger: silent, transports: transports(() => sleep(200).then(() => proposal)) });
    const result = await runner.search(decode(countdownRequest('4 9 10 13', { budget: { deadlineMs: 50 } })));
    expect(result.stopReason).toBe('STOP_REASON_DEADLINE');
    await sleep(300);
    const spans = await spansOf(result.traceId ?? '');
    const calls = spans.filter((s) => s.name === 'policy propose');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.attributes).toMatchObject({
        [ATTR.callOutcome]: CALL_OUTCOME.discarded,
        [ATTR.genAiInputTokens]: 100,
        [ATTR.genAiCacheReadInputTokens]: 60,
        [ATTR.costUsd]: 0.5,
        [ATTR.genAiRequestModel]: 'fake/policy',
      });
    }
    const root = spans.find((s) => s.name === 'search')!;
    expect(root.attributes).toMatchObject({
      [ATTR.genAiInputTokens]: 0,
      [ATTR.genAiCacheReadInputTokens]: 0,
      [ATTR.treeCostUsd]: 0,
      [`${ATTR.treeCallsPrefix}policy`]: calls.length,
      [ATTR.treeStopReason]: 'deadline',
    });
    expect(result.stats?.costUsd).toBe(0);
    expect(result.stats?.cachedInputTokens).toBe(0);
    expect(result.stats?.modelCalls).toBe(calls.length);
  });

  it('mark a call the search aborted as aborted, without an error status', async () => {
    const runner = new SearchRunner({
      logger: silent,
      transports: transports(
        (options) =>
          new Promise((_resolve, reject) => options.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true })),
      ),
    });
    const result = await runner.search(decode(countdownRequest('4 9 10 13', { budget: { deadlineMs: 50 } })));
    const calls = (await spansOf(result.traceId ?? '')).filter((s) => s.name === 'policy propose');
    expect(calls.length).toBeGreaterThanOrEqual(1);
    for (const call of calls) {
      expect(call.attributes[ATTR.callOutcome]).toBe(CALL_OUTCOME.aborted);
      expect(call.status.code).toBe(SpanStatusCode.UNSET);
    }
  });

  it('mark a failed call as an error on the call and on the search, naming only the error\'s type', async () => {
    const runner = new SearchRunner({
      logger: silent,
      transports: transports(() => Promise.reject(new UnavailableError('policy at 10.0.0.7:50052 is down'))),
    });
    const request = decode(countdownRequest('4 9 10 13'));
    await expect(runner.search(request)).rejects.toThrow(UnavailableError);
    await telemetry.forceFlush();
    const spans = exporter.getFinishedSpans().map(fromReadable);
    const root = spans.filter((s) => s.name === 'search').at(-1)!;
    const call = spans.find((s) => s.traceId === root.traceId && s.name === 'policy propose')!;
    expect(call.attributes).toMatchObject({ [ATTR.callOutcome]: CALL_OUTCOME.error, [ATTR.errorType]: 'unavailable' });
    expect(call.status).toEqual({ code: SpanStatusCode.ERROR, message: 'unavailable' });
    expect(root.status).toEqual({ code: SpanStatusCode.ERROR, message: 'unavailable' });
    expect(root.attributes[ATTR.treeStopReason]).toBe('model_unavailable');
    expect(JSON.stringify([call, root])).not.toContain('10.0.0.7');
  });
});
