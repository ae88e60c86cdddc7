// Checks on the spans of search trees, shared by the in-memory exporter tests and the OTLP receiver test:
// spans from either source are turned into one plain shape first.
import { expect } from 'vitest';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SearchResult__Output } from '@arbor/contracts';
import { ATTR, CALL_OUTCOME } from '@arbor/kit';

export type Kind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
type Value = string | number | boolean | Array<string | number | boolean>;

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: Kind;
  attributes: Record<string, Value>;
  resource: Record<string, Value>;
  events: Array<{ name: string; attributes: Record<string, Value> }>;
  status: { code: number; message: string };
}

const KINDS: Record<number, Kind> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

function plainAttributes(attributes: Record<string, unknown>): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out[key] = value as Value;
  return out;
}

export function fromReadable(span: ReadableSpan): SpanRecord {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId ?? '',
    name: span.name,
    kind: KINDS[span.kind] ?? 'internal',
    attributes: plainAttributes(span.attributes),
    resource: plainAttributes(span.resource.attributes),
    events: span.events.map((e) => ({ name: e.name, attributes: plainAttributes(e.attributes ?? {}) })),
    status: { code: span.status.code, message: span.status.message ?? '' },
  };
}

// OTLP/JSON (what the http/json exporter posts to /v1/traces).
interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  events?: Array<{ name: string; attributes?: OtlpKeyValue[] }>;
  status?: { code?: number; message?: string };
}
export interface OtlpTraces {
  resourceSpans?: Array<{ resource?: { attributes?: OtlpKeyValue[] }; scopeSpans?: Array<{ spans?: OtlpSpan[] }> }>;
}

function otlpValue(v: OtlpValue): Value {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  return (v.arrayValue?.values ?? []).map((x) => otlpValue(x) as string | number | boolean);
}

function otlpAttributes(list: OtlpKeyValue[] | undefined): Record<string, Value> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, otlpValue(kv.value)]));
}

// OTLP's SpanKind is the API's plus one (0 is SPAN_KIND_UNSPECIFIED).
const OTLP_KINDS: Record<number, Kind> = { 1: 'internal', 2: 'server', 3: 'client', 4: 'producer', 5: 'consumer' };

export function fromOtlpJson(body: OtlpTraces): SpanRecord[] {
  const records: SpanRecord[] = [];
  for (const rs of body.resourceSpans ?? []) {
    const resource = otlpAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const span of ss.spans ?? []) {
        records.push({
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: OTLP_KINDS[span.kind] ?? 'internal',
          attributes: otlpAttributes(span.attributes),
          resource,
          events: (span.events ?? []).map((e) => ({ name: e.name, attributes: otlpAttributes(e.attributes) })),
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
        });
      }
    }
  }
  return records;
}

/** A search's totals as the caller got them (from a SearchResult or the CLI's JSON). */
export interface ReportedTotals {
  searchId: string;
  traceId: string;
  nodes: number;
  expansions: number;
  modelCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those served from the model servers' prefix caches; checked when given. */
  cachedInputTokens?: number;
  costUsd: number;
  /** Lower case, e.g. "solved". */
  stopReason: string;
  depth?: number;
  callsByService?: Record<string, number>;
}

export function totalsOfResult(result: SearchResult__Output): ReportedTotals {
  const stats = result.stats!;
  return {
    searchId: result.searchId,
    traceId: result.traceId,
    nodes: stats.nodes,
    expansions: stats.expansions,
    modelCalls: stats.modelCalls,
    inputTokens: stats.inputTokens,
    outputTokens: stats.outputTokens,
    cachedInputTokens: stats.cachedInputTokens,
    costUsd: stats.costUsd,
    depth: stats.depth,
    stopReason: result.stopReason.replace(/^STOP_REASON_/, '').toLowerCase(),
    callsByService: Object.fromEntries(result.cost.map((c) => [c.service, c.calls])),
  };
}

export const CALL_SERVICES = ['policy', 'value', 'reward'] as const;

/** The spans downstream of a model call: how its request travelled (gRPC server span, NATS producer, ...). */
export type CallPath = 'inproc' | 'grpc' | 'nats';

export interface TreeSummary {
  root: SpanRecord;
  calls: SpanRecord[];
  spans: SpanRecord[];
}

const num = (span: SpanRecord, key: string): number => Number(span.attributes[key] ?? 0);

/**
 * Asserts that the trace of one search is whole: one `search` span for the search, every model-call span
 * under it (and every span of the trace under the trace's one root), the model services' spans under the call
 * that caused them, and the root's totals equal both what the caller was told and the sums over the `ok`
 * call spans.
 */
export function checkSearchTrace(all: SpanRecord[], reported: ReportedTotals, paths: Record<(typeof CALL_SERVICES)[number], CallPath>): TreeSummary {
  const spans = all.filter((s) => s.traceId === reported.traceId);
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const roots = spans.filter((s) => !byId.has(s.parentSpanId));
  expect(roots, 'one root per trace').toHaveLength(1);

  const searchSpans = spans.filter((s) => s.name === 'search');
  expect(searchSpans).toHaveLength(1);
  const root = searchSpans[0]!;
  expect(root.attributes[ATTR.searchId]).toBe(reported.searchId);

  const isUnder = (span: SpanRecord, ancestor: SpanRecord): boolean => {
    for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) if (p === ancestor) return true;
    return false;
  };
  const calls = spans.filter((s) => s.kind === 'client' && typeof s.attributes[ATTR.service] === 'string');
  expect(calls.length).toBe(reported.modelCalls);
  for (const call of calls) {
    expect(isUnder(call, root), `${call.name} ${String(call.attributes[ATTR.callId])} under the search`).toBe(true);
    expect(call.name).toBe(`${String(call.attributes[ATTR.service])} ${String(call.attributes[ATTR.genAiOperation])}`);
  }

  // What the services did for each answered call hangs under that call.
  for (const call of calls.filter((c) => c.attributes[ATTR.callOutcome] === CALL_OUTCOME.ok)) {
    const path = paths[call.attributes[ATTR.service] as (typeof CALL_SERVICES)[number]];
    const children = spans.filter((s) => s.parentSpanId === call.spanId);
    const attempts = num(call, ATTR.attempts);
    if (path === 'grpc') {
      const servers = children.filter((s) => s.kind === 'server');
      expect(servers.length, `${call.name}: a server span per attempt`).toBe(attempts);
      for (const s of servers) expect(s.attributes[ATTR.callId]).toBe(call.attributes[ATTR.callId]);
    } else if (path === 'nats') {
      const producers = children.filter((s) => s.kind === 'producer');
      expect(producers.length, `${call.name}: a producer span per attempt`).toBe(attempts);
      const last = producers.find((p) => num(p, ATTR.attempt) === attempts);
      const consumers = spans.filter((s) => s.kind === 'consumer' && s.parentSpanId === last?.spanId);
      expect(consumers, `${call.name}: the replica's consumer span under the producer`).toHaveLength(1);
      expect(consumers[0]?.attributes[ATTR.callId]).toBe(call.attributes[ATTR.callId]);
    }
  }

  // Root totals = what the caller was told = sums over the calls the search counted.
  const ok = calls.filter((c) => c.attributes[ATTR.callOutcome] === CALL_OUTCOME.ok);
  const sum = (key: string) => ok.reduce((total, c) => total + num(c, key), 0);
  expect(num(root, ATTR.genAiInputTokens)).toBe(reported.inputTokens);
  expect(num(root, ATTR.genAiOutputTokens)).toBe(reported.outputTokens);
  // The caller may have been told a rounded figure (the CLI prints dollars to 12 significant digits).
  expect(num(root, ATTR.treeCostUsd)).toBeCloseTo(reported.costUsd, 12);
  expect(sum(ATTR.genAiInputTokens)).toBe(reported.inputTokens);
  expect(sum(ATTR.genAiOutputTokens)).toBe(reported.outputTokens);
  expect(sum(ATTR.costUsd)).toBeCloseTo(reported.costUsd, 12);
  if (reported.cachedInputTokens !== undefined) {
    expect(num(root, ATTR.genAiCacheReadInputTokens)).toBe(reported.cachedInputTokens);
    expect(sum(ATTR.genAiCacheReadInputTokens)).toBe(reported.cachedInputTokens);
  }
  expect(num(root, ATTR.treeNodes)).toBe(reported.nodes);
  expect(num(root, ATTR.treeExpansions)).toBe(reported.expansions);
  expect(root.attributes[ATTR.treeStopReason]).toBe(reported.stopReason);
  if (reported.depth !== undefined) expect(num(root, ATTR.treeDepth)).toBe(reported.depth);
  for (const service of CALL_SERVICES) {
    const count = calls.filter((c) => c.attributes[ATTR.service] === service).length;
    expect(num(root, `${ATTR.treeCallsPrefix}${service}`), `calls to ${service}`).toBe(count);
    if (reported.callsByService) expect(reported.callsByService[service]).toBe(count);
  }
  expect(num(root, ATTR.treeExpansions)).toBe(calls.filter((c) => c.attributes[ATTR.service] === 'policy').length);
  return { root, calls, spans };
}

/** Asserts that none of `texts` appears anywhere in the spans: names, attributes, events, status, resource. */
export function expectNoText(spans: SpanRecord[], texts: string[]): void {
  const dump = JSON.stringify(spans);
  for (const text of texts) expect(dump.includes(text), `"${text}" found on a span`).toBe(false);
}
