// Span helpers on the OpenTelemetry API only (no SDK import), so every process can use them at no cost when
// tracing is off: the API then hands out non-recording spans and these helpers do next to nothing.
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanContext,
  type TextMapGetter,
  type TextMapSetter,
  type Tracer,
} from '@opentelemetry/api';
import type * as grpc from '@grpc/grpc-js';
import type { MsgHdrs } from '@nats-io/transport-node';
import { isArborError } from '../errors.js';
import { ATTR, INSTRUMENTATION_SCOPE } from './attributes.js';

/**
 * The tracer for Arbor's spans. Looked up on every use rather than cached: the SDK can be started and stopped
 * in one process (tests, the B2 benchmark), and a tracer kept from an earlier provider would keep recording.
 */
export function arborTracer(): Tracer {
  return trace.getTracer(INSTRUMENTATION_SCOPE);
}

/** The ids of the span active now, as pino fields; empty outside any span (or with tracing off). */
export function traceLogFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const sc = span.spanContext();
  if (!isSpanContextValid(sc)) return {};
  return { trace_id: sc.traceId, span_id: sc.spanId, trace_flags: flagsHex(sc) };
}

function flagsHex(sc: SpanContext): string {
  return (sc.traceFlags & 0xff).toString(16).padStart(2, '0');
}

/** W3C traceparent of a span context, or undefined for an invalid one. */
export function traceparentOf(sc: SpanContext): string | undefined {
  return isSpanContextValid(sc) ? `00-${sc.traceId}-${sc.spanId}-${flagsHex(sc)}` : undefined;
}

/** A span's context put under `parent`, for callers that pass contexts explicitly instead of relying on the active one. */
export function contextWithSpan(parent: Context, span: Span): Context {
  return trace.setSpan(parent, span);
}

/**
 * Why a failed operation failed, for `error.type`: the domain error kind (`unavailable`, `invalid_argument`, ...)
 * or the error's class name. Error messages are not recorded: they can quote request fields, and prompt or
 * problem text must never reach a span.
 */
export function errorType(err: unknown): string {
  if (isArborError(err)) return err.kind;
  if (err instanceof Error) return err.name || 'Error';
  return typeof err;
}

/** Marks a span failed with the error's type (never its message; see errorType). */
export function recordSpanError(span: Span, err: unknown): void {
  const type = errorType(err);
  span.setAttribute(ATTR.errorType, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

// Carriers for propagation.inject / extract.

export const grpcMetadataSetter: TextMapSetter<grpc.Metadata> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

export const grpcMetadataGetter: TextMapGetter<grpc.Metadata> = {
  keys: (carrier) => Object.keys(carrier.getMap()),
  get(carrier, key) {
    const values = carrier.get(key).filter((v): v is string => typeof v === 'string');
    if (values.length === 0) return undefined;
    return values.length === 1 ? values[0] : values;
  },
};

export const natsHeadersSetter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

export const natsHeadersGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => carrier?.keys() ?? [],
  get(carrier, key) {
    if (!carrier?.has(key)) return undefined;
    return carrier.get(key);
  },
};

/** Writes the trace context of `ctx` (default: the active one) into gRPC metadata. */
export function injectIntoMetadata(metadata: grpc.Metadata, ctx: Context = context.active()): void {
  propagation.inject(ctx, metadata, grpcMetadataSetter);
}

/** The caller's trace context from gRPC metadata (the root context when it sent none). */
export function extractFromMetadata(metadata: grpc.Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, grpcMetadataGetter);
}

export function injectIntoNatsHeaders(headers: MsgHdrs, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, natsHeadersSetter);
}

export function extractFromNatsHeaders(headers: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, headers, natsHeadersGetter);
}
