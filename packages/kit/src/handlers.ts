// Thin adapters from async domain functions to grpc-js handlers: errors mapped through the one table,
// the callback called exactly once, an AbortSignal that fires when the caller goes away, and a SERVER span
// that continues the caller's trace (from its `traceparent` metadata) around the whole call.
import type { PeerCertificate } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import { context, INVALID_SPAN_CONTEXT, SpanKind, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import { toGrpcStatus, statusName } from './grpc-status.js';
import type { Logger } from './logger.js';
import { wellFormed } from './malformed-request.js';
import { setSignalDeadline } from './signal-deadline.js';
import { ATTR } from './telemetry/attributes.js';
import { arborTracer, errorType, extractFromMetadata, recordSpanError } from './telemetry/tracing.js';

export interface CallContext {
  /** Aborted when the client cancels or its deadline passes. */
  signal: AbortSignal;
  metadata: grpc.Metadata;
  /** The client's certificate, when the connection is mutual TLS (the server verified it). */
  peerCertificate: PeerCertificate | undefined;
}

type ServerCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>;

function callContextOf(call: ServerCall): CallContext {
  const certificate = typeof call.getAuthContext === 'function' ? call.getAuthContext()?.sslPeerCertificate : undefined;
  // Node gives an empty object, not undefined, when the client sent no certificate.
  const peerCertificate = certificate && Object.keys(certificate).length > 0 ? certificate : undefined;
  return { signal: callSignal(call), metadata: call.metadata, peerCertificate };
}

function callSignal(call: ServerCall): AbortSignal {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort(new Error('call cancelled by client')));
  // Lets work under this call (model-http's retry waits) give up early instead of outliving the deadline.
  if (typeof call.getDeadline === 'function') setSignalDeadline(controller.signal, Number(call.getDeadline()));
  return controller.signal;
}

/** Logs a failed call: domain errors at info (the caller's fault), everything else at error with its stack. */
export function logCallError(logger: Logger, method: string, err: unknown): void {
  const { code } = toGrpcStatus(err);
  const fields = { method, code: statusName(code), err };
  if (code === 13 /* INTERNAL */) logger.error(fields, 'call failed');
  else logger.info(fields, 'call rejected');
}

/** Status codes that mean the server failed (OpenTelemetry's gRPC conventions); the others are the caller's doing. */
const SERVER_FAULT_CODES: ReadonlySet<number> = new Set([2, 4, 12, 13, 14, 15]);

interface ServerSpan {
  span: Span;
  ctx: Context;
}

/** A SERVER span named `package.Service/Method`, child of the trace context the caller sent, if any. */
function startServerSpan(path: string, fallbackMethod: string, request: unknown, metadata: grpc.Metadata): ServerSpan {
  const parent = extractFromMetadata(metadata);
  const [service = '', method = fallbackMethod] = path.replace(/^\//, '').split('/');
  const attributes: Attributes = { [ATTR.rpcSystem]: 'grpc', [ATTR.rpcService]: service, [ATTR.rpcMethod]: method };
  // Model requests carry a call id: the one field that ties this span to the orchestrator's call span and logs.
  if (typeof request === 'object' && request !== null && 'callId' in request && typeof request.callId === 'string' && request.callId) {
    attributes[ATTR.callId] = request.callId;
  }
  const span = arborTracer().startSpan(service ? `${service}/${method}` : method, { kind: SpanKind.SERVER, attributes }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

function endServerSpan(span: Span, err?: unknown): void {
  const code = err === undefined ? 0 : toGrpcStatus(err).code;
  span.setAttribute(ATTR.rpcGrpcStatusCode, code);
  if (err !== undefined) {
    if (SERVER_FAULT_CODES.has(code)) recordSpanError(span, err);
    else span.setAttribute(ATTR.errorType, errorType(err));
  }
  span.end();
}

function pathOf(call: { getPath?: () => string }): string {
  return typeof call.getPath === 'function' ? call.getPath() : '';
}

export interface HandlerOptions {
  /**
   * Wrap the call in a SERVER span (default). A handler whose domain code starts the trace's meaningful root
   * itself (the orchestrator's `search` span) turns it off and just runs in the caller's context.
   */
  serverSpan?: boolean;
}

/** The server span of a call, or none: the caller's context only, and a span that records nothing. */
function callSpan(enabled: boolean, path: string, method: string, request: unknown, metadata: grpc.Metadata): ServerSpan {
  if (enabled) return startServerSpan(path, method, request, metadata);
  return { span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), ctx: extractFromMetadata(metadata) };
}

export function unaryHandler<Req, Res>(
  logger: Logger,
  method: string,
  fn: (request: Req, context: CallContext) => Promise<Res>,
  options: HandlerOptions = {},
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const callContext = callContextOf(call);
    const { span, ctx } = callSpan(options.serverSpan ?? true, pathOf(call), method, call.request, call.metadata);
    let answered = false;
    const answer = (err: grpc.ServerErrorResponse | null, response?: Res) => {
      if (answered) return;
      answered = true;
      callback(err, response);
    };
    context.with(ctx, async () => fn(wellFormed(call.request), callContext)).then(
      (response) => {
        answer(null, response);
        endServerSpan(span);
      },
      (err: unknown) => {
        context.with(ctx, () => logCallError(logger, method, err));
        const { code, details } = toGrpcStatus(err);
        answer({ name: 'ArborError', message: details, code, details });
        endServerSpan(span, err);
      },
    );
  };
}

export function serverStreamHandler<Req, Res>(
  logger: Logger,
  method: string,
  fn: (request: Req, send: (message: Res) => void, context: CallContext) => Promise<void>,
  options: HandlerOptions = {},
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const callContext = callContextOf(call);
    const { span, ctx } = callSpan(options.serverSpan ?? true, pathOf(call), method, call.request, call.metadata);
    context.with(ctx, async () => fn(wellFormed(call.request), (message) => call.write(message), callContext)).then(
      () => {
        call.end();
        endServerSpan(span);
      },
      (err: unknown) => {
        context.with(ctx, () => logCallError(logger, method, err));
        const { code, details } = toGrpcStatus(err);
        // Emitting the error (not destroy()) is what makes grpc-js end the stream with this status: a destroyed
        // stream never sends one, and the client would wait for its deadline.
        call.emit('error', Object.assign(new Error(details), { code, details }));
        endServerSpan(span, err);
      },
    );
  };
}
