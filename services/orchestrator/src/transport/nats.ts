// NATS transport: request/reply to a service's queue group, with the call's deadline and id in headers,
// bounded retries on timeout, no responders or UNAVAILABLE, and error replies mapped back to domain errors.
// Each attempt is a PRODUCER span whose context travels in the request's headers.
import { headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { MethodDefinition } from '@grpc/proto-loader';
import { status } from '@grpc/grpc-js';
import {
  arborV1,
  MAX_MODEL_MESSAGE_BYTES,
  NATS_HEADERS,
  natsRoute,
  type EvaluateRequest,
  type EvaluateResponse__Output,
  type ProposeRequest,
  type ProposeResponse__Output,
  type ScoreRequest,
  type ScoreResponse__Output,
} from '@arbor/contracts';
import { arborTracer, ATTR, fromGrpcStatus, injectIntoNatsHeaders, recordSpanError } from '@arbor/kit';
import { ArborError, DeadlineExceededError, ResourceExhaustedError, UnavailableError } from '@arbor/kit/errors';
import { BusyError } from './call-limiter.js';
import type { NatsLink } from './nats-link.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { CallOptions, UnaryTransport } from './types.js';

export interface NatsTarget {
  link: NatsLink;
  subject: string;
  /** Per-attempt timeout; the search deadline caps it further. */
  timeoutMs: number;
  retry: RetryPolicy;
  maxMessageBytes?: number;
}

function statusCode(name: string): status {
  const code = (status as unknown as Record<string, number>)[name];
  return typeof code === 'number' ? code : status.UNKNOWN;
}

/** Maps what nats.js throws onto the domain errors the retry policy understands. */
function fromNatsError(err: unknown, subject: string): ArborError {
  const name = err instanceof Error ? err.name : '';
  const noResponders =
    (err instanceof Error && 'isNoResponders' in err && typeof err.isNoResponders === 'function' && err.isNoResponders() === true) ||
    name === 'NoRespondersError';
  if (noResponders) return new UnavailableError(`no responders on ${subject}`, { cause: err });
  if (name === 'TimeoutError') return new DeadlineExceededError(`no reply on ${subject} before the call timeout`, { cause: err });
  return new UnavailableError(`NATS request on ${subject} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

function decodeReply<ResOut>(msg: Msg, method: MethodDefinition<unknown, unknown, unknown, ResOut>, callId: string, subject: string): ResOut {
  const replyCallId = msg.headers?.get(NATS_HEADERS.callId);
  if (replyCallId && replyCallId !== callId) {
    // The inbox is per request, so this only happens with a misbehaving responder; never apply its reply.
    throw new ArborError('internal', `reply on ${subject} carries call id ${replyCallId}, expected ${callId}`);
  }
  const code = msg.headers?.get(NATS_HEADERS.status);
  if (code) {
    const message = msg.headers?.get(NATS_HEADERS.message) ?? '';
    if (msg.headers?.get(NATS_HEADERS.busy)) throw new BusyError(`${subject}: ${message}`);
    throw fromGrpcStatus(statusCode(code), message);
  }
  return method.responseDeserialize(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
}

export function natsUnary<Req extends { callId?: string }, Res, ReqOut, ResOut>(
  target: NatsTarget,
  method: MethodDefinition<Req, Res, ReqOut, ResOut>,
): UnaryTransport<Req, ResOut> {
  const maxBytes = target.maxMessageBytes ?? MAX_MODEL_MESSAGE_BYTES;
  return async (request: Req, options: CallOptions) => {
    const payload = method.requestSerialize(request);
    if (payload.length > maxBytes) {
      throw new ResourceExhaustedError(`request to ${target.subject} is ${payload.length} bytes; the cap is ${maxBytes}`);
    }
    const callId = request.callId ?? '';
    const { result, attempts } = await withRetries(target.retry, options.deadline, options.signal, async (attemptIndex) => {
      const remaining = options.deadline - Date.now();
      if (remaining <= 0) throw new DeadlineExceededError('search deadline passed before the model call');
      const timeout = Math.min(target.timeoutMs, remaining);
      const parent = context.active();
      const span = arborTracer().startSpan(
        `send ${target.subject}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR.messagingSystem]: 'nats',
            [ATTR.messagingDestination]: target.subject,
            [ATTR.messagingOperationType]: 'send',
            [ATTR.messagingOperationName]: 'request',
            [ATTR.messagingBodySize]: payload.length,
            [ATTR.attempt]: attemptIndex + 1,
            ...(callId && { [ATTR.callId]: callId }),
          },
        },
        parent,
      );
      try {
        const h = natsHeaders();
        h.set(NATS_HEADERS.deadline, String(Date.now() + timeout));
        if (callId) h.set(NATS_HEADERS.callId, callId);
        injectIntoNatsHeaders(h, trace.setSpan(parent, span));
        // With tracing off nothing is injected; the caller's traceparent still ties the service's logs to the tree.
        if (options.traceparent && !h.has(NATS_HEADERS.traceparent)) h.set(NATS_HEADERS.traceparent, options.traceparent);
        const nc = target.link.require();
        let msg: Msg;
        try {
          msg = await abortable(nc.request(target.subject, payload, { timeout, headers: h }), options.signal);
        } catch (err) {
          if (options.signal.aborted) throw err;
          throw fromNatsError(err, target.subject);
        }
        return decodeReply(msg, method as MethodDefinition<unknown, unknown, unknown, ResOut>, callId, target.subject);
      } catch (err) {
        if (!options.signal.aborted) recordSpanError(span, err);
        throw err;
      } finally {
        span.end();
      }
    });
    return { response: result, attempts };
  };
}

/** Rejects as soon as the search aborts; a reply that comes later is dropped with the request's inbox. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

export interface NatsTransportOptions {
  link: NatsLink;
  namespace?: string;
  timeoutsMs: { propose: number; evaluate: number; score: number };
  retry: RetryPolicy;
}

export function natsPolicyTransport(o: NatsTransportOptions): UnaryTransport<ProposeRequest, ProposeResponse__Output> {
  return natsUnary({ link: o.link, subject: natsRoute('propose', o.namespace).subject, timeoutMs: o.timeoutsMs.propose, retry: o.retry }, arborV1().PolicyService.service.Propose);
}

export function natsValueTransport(o: NatsTransportOptions): UnaryTransport<EvaluateRequest, EvaluateResponse__Output> {
  return natsUnary({ link: o.link, subject: natsRoute('evaluate', o.namespace).subject, timeoutMs: o.timeoutsMs.evaluate, retry: o.retry }, arborV1().ValueService.service.Evaluate);
}

export function natsRewardTransport(o: NatsTransportOptions): UnaryTransport<ScoreRequest, ScoreResponse__Output> {
  return natsUnary({ link: o.link, subject: natsRoute('score', o.namespace).subject, timeoutMs: o.timeoutsMs.score, retry: o.retry }, arborV1().RewardService.service.Score);
}
