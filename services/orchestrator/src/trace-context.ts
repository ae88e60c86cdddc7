// The trace of one search tree: a `search` span that every model call of the tree descends from (across every
// process, through gRPC metadata and NATS headers), carrying the tree's totals when the search ends. The same
// numbers go into the SearchResult, so the root span, the result and the CLI always agree.
import { randomBytes } from 'node:crypto';
import { context, isSpanContextValid, SpanKind, trace, TraceFlags, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { arborInstruments, arborTracer, ATTR, errorType, recordSpanError } from '@arbor/kit';
import type { ModelService, SearchOutcome } from '@arbor/search';

export interface SearchTraceInfo {
  searchId: string;
  /** Who owns the search; a label of the per-search metrics too, so cost and volume can be told apart by tenant. */
  tenant: string;
  algorithm: string;
  task: string;
}

export interface SearchTrace {
  /** The tree's trace id: the root span's, or a random one when tracing is off (results always carry one). */
  readonly traceId: string;
  /** Run the search in this context: model-call spans and log lines then belong to the tree. */
  readonly context: Context;
  /** Sets the tree's totals on the root span and records the per-search metrics; call once, when the search ended. */
  finish(outcome: SearchOutcome, solved: boolean): void;
  /** Marks the search failed (it ends in an error status for the caller). */
  fail(err: unknown): void;
  /** Ends the root span; call in `finally`. */
  end(): void;
}

const SERVICES: readonly ModelService[] = ['policy', 'value', 'reward'];

/** The root span's totals, from the same stats the SearchResult is built from. */
export function treeTotals(outcome: SearchOutcome): Attributes {
  const { stats } = outcome;
  const attributes: Attributes = {
    [ATTR.treeNodes]: stats.nodes,
    [ATTR.treeExpansions]: stats.expansions,
    [ATTR.treeDepth]: stats.depth,
    [ATTR.treeStopReason]: outcome.stopReason,
    [ATTR.genAiInputTokens]: stats.inputTokens,
    [ATTR.genAiCacheReadInputTokens]: stats.cachedInputTokens,
    [ATTR.genAiOutputTokens]: stats.outputTokens,
    [ATTR.treeCostUsd]: stats.costUsd,
    [ATTR.treeRetries]: stats.retries,
    [ATTR.treeHedges]: stats.hedges,
  };
  for (const service of SERVICES) attributes[`${ATTR.treeCallsPrefix}${service}`] = stats.perService[service].calls;
  return attributes;
}

/**
 * Starts the root span of a search under `parent` (the gRPC server span when the search came over gRPC). With
 * tracing off the span records nothing, so a random trace id stands in for it: the result and the log lines
 * still carry one id per tree, and the model services still receive it in `traceparent`.
 */
export function startSearchTrace(info: SearchTraceInfo, parent: Context = context.active()): SearchTrace {
  const base: Attributes = { [ATTR.searchId]: info.searchId, [ATTR.tenant]: info.tenant, [ATTR.algorithm]: info.algorithm, [ATTR.task]: info.task };
  let span: Span = arborTracer().startSpan('search', { kind: SpanKind.INTERNAL, attributes: base }, parent);
  if (!isSpanContextValid(span.spanContext())) {
    span = trace.wrapSpanContext({
      traceId: randomBytes(16).toString('hex'),
      spanId: randomBytes(8).toString('hex'),
      traceFlags: TraceFlags.NONE,
    });
  }
  const traceId = span.spanContext().traceId;
  let finished = false;
  let failed = false;
  return {
    traceId,
    context: trace.setSpan(parent, span),
    finish(outcome, solved) {
      if (finished) return;
      finished = true;
      span.setAttributes(treeTotals(outcome));
      span.setAttribute(ATTR.treeSolved, solved);
      const labels = { [ATTR.tenant]: info.tenant, [ATTR.algorithm]: info.algorithm, [ATTR.task]: info.task, [ATTR.treeStopReason]: outcome.stopReason };
      const instruments = arborInstruments();
      instruments.treeCost.record(outcome.stats.costUsd, labels);
      instruments.searches.add(1, labels);
    },
    fail(err) {
      if (failed) return;
      failed = true;
      recordSpanError(span, err);
      // A search that never produced an outcome (refused by a model service) still counts, as an error.
      if (!finished) {
        arborInstruments().searches.add(1, {
          [ATTR.tenant]: info.tenant,
          [ATTR.algorithm]: info.algorithm,
          [ATTR.task]: info.task,
          [ATTR.treeStopReason]: 'error',
          [ATTR.errorType]: errorType(err),
        });
      }
    },
    end() {
      span.end();
    },
  };
}
