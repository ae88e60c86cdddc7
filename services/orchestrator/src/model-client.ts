// Binds one search's problem to the model transports, and turns wire messages into the search's plain types.
// Every logical model call (retries included) is one CLIENT span under the search's root span, with its usage.
import { context, SpanKind, trace, type Attributes, type Context } from '@opentelemetry/api';
import type { Problem, Sampling, Usage__Output } from '@arbor/contracts';
import { arborInstruments, arborTracer, ATTR, CALL_OUTCOME, errorType, recordSpanError, traceparentOf } from '@arbor/kit';
import type { Candidate, ModelClient, ModelService, Step, StepRewards, Usage } from '@arbor/search';
import type { CallOptions, ModelTransports } from './transport/types.js';

export interface BoundClientOptions {
  transports: Omit<ModelTransports, 'close'>;
  problem: Problem;
  sampling: Sampling;
  /** Absolute epoch ms; every call is cut off there. */
  deadline: number;
  /** The search the calls are for (fair queueing when a service is saturated). */
  searchId?: string;
  /** The search's trace context: call spans become its children. Default: the context active at bind time. */
  traceContext?: Context;
}

function toWireSteps(steps: readonly Step[]) {
  return { steps: steps.map((s) => ({ text: s.text, logprob: s.logprob, tokens: s.tokens })) };
}

function toUsage(usage: { inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number } | null, attempts: number, hedges = 0): Usage {
  return {
    inputTokens: usage?.inputTokens ?? 0,
    outputTokens: usage?.outputTokens ?? 0,
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    costUsd: usage?.costUsd ?? 0,
    calls: attempts,
    ...(hedges > 0 && { hedges }),
  };
}

interface CallSpec {
  service: ModelService;
  operation: 'propose' | 'evaluate' | 'score';
  callId: string;
  /** Candidates asked for, or states / trajectories sent. */
  batchSize: number;
}

interface CallReply<R> {
  reply: R;
  /** The usage as the service sent it (model name, estimated flag). */
  wire: Usage__Output | null;
}

/**
 * Runs one model call in its span. Returns the very promise the search's gateway awaits, with the span's
 * bookkeeping attached to it first: reactions to one promise run back to back, so when the bookkeeping sees
 * the call's signal not yet aborted, the gateway (which stops listening at abort) is about to count the reply,
 * and when it sees it aborted, the gateway has already dropped it. That is what makes the root span's totals
 * equal the sums over the `ok` call spans, even when a hard stop (`solved`) aborts calls whose replies are landing.
 */
function tracedCall<R extends { usage: Usage }>(
  parent: Context,
  spec: CallSpec,
  signal: AbortSignal,
  base: { deadline: number; searchId?: string },
  run: (options: CallOptions) => Promise<CallReply<R>>,
): Promise<R> {
  const started = performance.now();
  const attributes: Attributes = {
    [ATTR.service]: spec.service,
    [ATTR.genAiOperation]: spec.operation,
    [ATTR.callId]: spec.callId,
    [ATTR.batchSize]: spec.batchSize,
  };
  const span = arborTracer().startSpan(`${spec.service} ${spec.operation}`, { kind: SpanKind.CLIENT, attributes }, parent);
  const traceparent = traceparentOf(span.spanContext());
  const options: CallOptions = {
    signal,
    deadline: base.deadline,
    ...(base.searchId && { searchId: base.searchId }),
    ...(traceparent && { traceparent }),
  };
  let wire: Usage__Output | null = null;
  const pending = context
    .with(trace.setSpan(parent, span), () => run(options))
    .then((result) => {
      wire = result.wire;
      return result.reply;
    });
  pending.then(
    (reply) => {
      const model = wire?.model ?? '';
      const outcome = signal.aborted ? CALL_OUTCOME.discarded : CALL_OUTCOME.ok;
      span.setAttributes({
        [ATTR.callOutcome]: outcome,
        [ATTR.attempts]: reply.usage.calls,
        ...(reply.usage.hedges && { [ATTR.hedges]: reply.usage.hedges }),
        [ATTR.genAiInputTokens]: reply.usage.inputTokens,
        [ATTR.genAiCacheReadInputTokens]: reply.usage.cachedInputTokens ?? 0,
        [ATTR.genAiOutputTokens]: reply.usage.outputTokens,
        [ATTR.costUsd]: reply.usage.costUsd,
        ...(model && { [ATTR.genAiRequestModel]: model, [ATTR.genAiResponseModel]: model }),
        ...(wire?.estimated && { [ATTR.estimatedUsage]: true }),
      });
      const instruments = arborInstruments();
      const labels = { [ATTR.service]: spec.service, [ATTR.genAiOperation]: spec.operation, ...(model && { [ATTR.genAiRequestModel]: model }) };
      instruments.tokenUsage.record(reply.usage.inputTokens, { ...labels, [ATTR.genAiTokenType]: 'input' });
      instruments.tokenUsage.record(reply.usage.outputTokens, { ...labels, [ATTR.genAiTokenType]: 'output' });
      instruments.modelCallDuration.record((performance.now() - started) / 1000, labels);
      span.end();
    },
    (err: unknown) => {
      // An abort is the search's own decision (deadline, cancel, solved), not a failure of the service.
      if (signal.aborted) span.setAttribute(ATTR.callOutcome, CALL_OUTCOME.aborted);
      else {
        span.setAttribute(ATTR.callOutcome, CALL_OUTCOME.error);
        recordSpanError(span, err);
      }
      arborInstruments().modelCallDuration.record((performance.now() - started) / 1000, {
        [ATTR.service]: spec.service,
        [ATTR.genAiOperation]: spec.operation,
        [ATTR.errorType]: signal.aborted ? 'aborted' : errorType(err),
      });
      span.end();
    },
  );
  return pending;
}

export function bindModelClient(options: BoundClientOptions): ModelClient {
  const { transports, problem, deadline } = options;
  const parent = options.traceContext ?? context.active();
  const base = { deadline, ...(options.searchId && { searchId: options.searchId }) };
  // Not async: the gateway must get tracedCall's promise itself, not a wrapper resolved a tick later.
  return {
    propose(call, signal) {
      const spec: CallSpec = { service: 'policy', operation: 'propose', callId: call.callId, batchSize: call.numCandidates };
      return tracedCall(parent, spec, signal, base, async (callOptions) => {
        const { response, attempts, hedges } = await transports.propose(
          {
            problem,
            prefix: toWireSteps(call.prefix),
            numCandidates: call.numCandidates,
            sampling: { ...options.sampling, seed: String(call.seed) },
            callId: call.callId,
          },
          callOptions,
        );
        const candidates: Candidate[] = response.candidates.map((c) => ({
          step: { text: c.step?.text ?? '', logprob: c.step?.logprob ?? 0, tokens: c.step?.tokens ?? 0 },
          terminal: c.terminal,
          answer: c.answer,
        }));
        const usage = toUsage(response.usage, attempts, hedges);
        return { reply: { candidates, usage, invalidCandidates: response.invalidCandidates }, wire: response.usage };
      });
    },
    evaluate(call, signal) {
      const spec: CallSpec = { service: 'value', operation: 'evaluate', callId: call.callId, batchSize: call.states.length };
      return tracedCall(parent, spec, signal, base, async (callOptions) => {
        const { response, attempts, hedges } = await transports.evaluate(
          { problem, states: call.states.map(toWireSteps), callId: call.callId },
          callOptions,
        );
        const usage = toUsage(response.usage, attempts, hedges);
        return { reply: { values: response.values, usage }, wire: response.usage };
      });
    },
    score(call, signal) {
      const spec: CallSpec = { service: 'reward', operation: 'score', callId: call.callId, batchSize: call.trajectories.length };
      return tracedCall(parent, spec, signal, base, async (callOptions) => {
        const { response, attempts, hedges } = await transports.score(
          { problem, trajectories: call.trajectories.map(toWireSteps), callId: call.callId },
          callOptions,
        );
        const rewards: StepRewards[] = response.rewards.map((r) =>
          r.outcome === undefined || r.outcome === null ? { stepRewards: r.stepRewards } : { stepRewards: r.stepRewards, outcome: r.outcome },
        );
        const usage = toUsage(response.usage, attempts, hedges);
        return { reply: { rewards, usage }, wire: response.usage };
      });
    },
  };
}
