// Serves one model RPC on its NATS subject as a member of the service's queue group: the same handler and
// protobuf bytes as over gRPC, errors as replies with status headers, deadlines honoured, and a cap on calls
// in flight so one slow replica cannot hoard work. Each request is handled in a CONSUMER span that continues
// the caller's trace from the request's `traceparent` header.
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import type { MethodDefinition } from '@grpc/proto-loader';
import { randomBytes } from 'node:crypto';
import { describeMalformed, discoverySubject, MAX_MODEL_MESSAGE_BYTES, NATS_HEADERS, replicaSubject } from '@arbor/contracts';
import { DeadlineExceededError, InvalidArgumentError, ResourceExhaustedError } from '../errors.js';
import { statusName, toGrpcStatus } from '../grpc-status.js';
import { logCallError } from '../handlers.js';
import type { Logger } from '../logger.js';
import { setSignalDeadline } from '../signal-deadline.js';
import { ATTR } from '../telemetry/attributes.js';
import { arborTracer, extractFromNatsHeaders, recordSpanError } from '../telemetry/tracing.js';

export interface NatsResponderOptions<Req, ReqOut, Res, ResOut> {
  nc: NatsConnection;
  subject: string;
  queue: string;
  method: MethodDefinition<Req, Res, ReqOut, ResOut>;
  /** Proto name of the request message, for error messages. */
  requestType: string;
  handle: (request: ReqOut, signal: AbortSignal) => Promise<Res>;
  logger: Logger;
  /** Calls this replica works on at once; more are answered busy (RESOURCE_EXHAUSTED with `arbor-busy`). */
  maxInFlight: number;
  maxMessageBytes?: number;
  /**
   * The longest a call may run here, whatever its `arbor-deadline` header says; a request without a usable
   * header gets this much. Default 300 s.
   */
  maxCallMs?: number;
  /** Default: random. */
  replicaId?: string;
}

export const DEFAULT_MAX_CALL_MS = 300_000;

/**
 * The absolute deadline of a request: its `arbor-deadline` header (epoch ms) capped at `now + maxCallMs`, or
 * `now + maxCallMs` when the header is missing or not a positive number. Past deadlines are kept as they are.
 */
export function callDeadline(header: string | undefined, now: number, maxCallMs: number): number {
  const latest = now + maxCallMs;
  const asked = header === undefined || header.trim() === '' ? Number.NaN : Number(header);
  if (!Number.isFinite(asked) || asked <= 0) return latest;
  return Math.min(asked, latest);
}

export interface NatsResponderStats {
  served: number;
  failed: number;
  /** Requests dropped unanswered because their deadline had passed. */
  expired: number;
  /** Requests answered busy because the replica was at its in-flight cap. */
  refused: number;
  inFlight: number;
}

export interface NatsResponder {
  readonly stats: NatsResponderStats;
  /** This replica's id: its direct subject's last token, and the arbor-replica header of its replies. */
  readonly replicaId: string;
  /** Stops taking requests, then waits (at most `graceMs`) for the ones in flight to be answered. */
  stop(graceMs: number): Promise<void>;
}

function replyError(msg: Msg, callId: string, replicaId: string, err: unknown, extra: Record<string, string> = {}): void {
  const { code, details } = toGrpcStatus(err);
  const h = natsHeaders();
  h.set(NATS_HEADERS.replica, replicaId);
  for (const [name, value] of Object.entries(extra)) h.set(name, value);
  h.set(NATS_HEADERS.status, statusName(code));
  h.set(NATS_HEADERS.message, details);
  if (callId) h.set(NATS_HEADERS.callId, callId);
  msg.respond(new Uint8Array(0), { headers: h });
}

export function serveOnNats<Req, ReqOut, Res, ResOut>(options: NatsResponderOptions<Req, ReqOut, Res, ResOut>): NatsResponder {
  const { nc, method, logger } = options;
  const maxBytes = options.maxMessageBytes ?? MAX_MODEL_MESSAGE_BYTES;
  const maxCallMs = Math.min(options.maxCallMs ?? DEFAULT_MAX_CALL_MS, 0x7fff_ffff);
  const replicaId = options.replicaId ?? randomBytes(6).toString('hex');
  const stats: NatsResponderStats = { served: 0, failed: 0, expired: 0, refused: 0, inFlight: 0 };
  const pending = new Set<Promise<void>>();

  const serve = async (msg: Msg, span: Span): Promise<void> => {
    const callId = msg.headers?.get(NATS_HEADERS.callId) ?? '';
    if (callId) span.setAttribute(ATTR.callId, callId);
    const deadline = callDeadline(msg.headers?.get(NATS_HEADERS.deadline), Date.now(), maxCallMs);
    if (Date.now() >= deadline) {
      // The caller has given up on this attempt; doing the work would only burn model time.
      stats.expired++;
      span.setAttribute(ATTR.errorType, 'expired');
      logger.debug({ subject: options.subject, callId }, 'dropped a request past its deadline');
      return;
    }
    if (stats.inFlight >= options.maxInFlight) {
      // Backpressure, not a failure: the caller waits and keeps fewer calls in flight.
      stats.refused++;
      const busy = new ResourceExhaustedError(`replica busy: ${stats.inFlight} calls in flight (cap ${options.maxInFlight})`);
      span.setAttribute(ATTR.errorType, 'busy');
      replyError(msg, callId, replicaId, busy, { [NATS_HEADERS.busy]: `${stats.inFlight}/${options.maxInFlight}` });
      return;
    }
    stats.inFlight++;
    const controller = new AbortController();
    // Within setTimeout's range: maxCallMs is validated far below 2^31 - 1 ms.
    const timer = setTimeout(() => controller.abort(new DeadlineExceededError('call deadline passed')), deadline - Date.now());
    setSignalDeadline(controller.signal, deadline);
    try {
      if (msg.data.length > maxBytes) {
        throw new ResourceExhaustedError(`request is ${msg.data.length} bytes; the cap is ${maxBytes}`);
      }
      let request: ReqOut;
      try {
        request = method.requestDeserialize(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
      } catch (err) {
        const { field, problem } = describeMalformed(options.requestType, msg.data);
        throw new InvalidArgumentError(field, problem, { cause: err });
      }
      const response = method.responseSerialize(await options.handle(request, controller.signal));
      if (response.length > maxBytes) throw new ResourceExhaustedError(`response is ${response.length} bytes; the cap is ${maxBytes}`);
      const h = natsHeaders();
      h.set(NATS_HEADERS.replica, replicaId);
      if (callId) h.set(NATS_HEADERS.callId, callId);
      msg.respond(response, { headers: h });
      stats.served++;
    } catch (err) {
      stats.failed++;
      recordSpanError(span, err);
      logCallError(logger, options.subject, err);
      replyError(msg, callId, replicaId, err);
    } finally {
      clearTimeout(timer);
      stats.inFlight--;
    }
  };

  const onRequest = (err: Error | null, msg: Msg) => {
    if (err) {
      logger.error({ err, subject: options.subject }, 'NATS subscription error');
      return;
    }
    if (!msg.reply) return; // Not a request: nobody to answer.
    const parent = extractFromNatsHeaders(msg.headers);
    const span = arborTracer().startSpan(
      `process ${options.subject}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR.messagingSystem]: 'nats',
          [ATTR.messagingDestination]: options.subject,
          [ATTR.messagingOperationType]: 'process',
          [ATTR.messagingOperationName]: 'process',
          [ATTR.messagingConsumerGroup]: options.queue,
          [ATTR.messagingBodySize]: msg.data.length,
          [ATTR.replica]: replicaId,
        },
      },
      parent,
    );
    const task = context
      .with(trace.setSpan(parent, span), () => serve(msg, span))
      .catch((e: unknown) => logger.error({ err: e }, 'NATS responder failed'))
      .finally(() => span.end());
    pending.add(task);
    void task.finally(() => pending.delete(task));
  };
  // Every replica answers discovery with who it is and how much it takes, so the orchestrator can route calls
  // to replicas that answer and keep them within their caps.
  const onDiscover = (err: Error | null, msg: Msg) => {
    if (err || !msg.reply) return;
    const h = natsHeaders();
    h.set(NATS_HEADERS.replica, replicaId);
    h.set(NATS_HEADERS.capacity, String(options.maxInFlight));
    h.set(NATS_HEADERS.inFlight, String(stats.inFlight));
    msg.respond(new Uint8Array(0), { headers: h });
  };
  const subscriptions: Subscription[] = [
    nc.subscribe(options.subject, { queue: options.queue, callback: onRequest }),
    nc.subscribe(replicaSubject(options.subject, replicaId), { callback: onRequest }),
    nc.subscribe(discoverySubject(options.subject), { callback: onDiscover }),
  ];
  logger.info({ subject: options.subject, queue: options.queue, replica: replicaId, maxInFlight: options.maxInFlight }, 'serving on NATS');

  let stopping: Promise<void> | undefined;
  return {
    stats,
    replicaId,
    stop(graceMs: number) {
      stopping ??= (async () => {
        // Draining needs the server; with NATS down, stop taking messages at once instead.
        await Promise.all(
          subscriptions.filter((sub) => !sub.isClosed()).map((sub) => sub.drain().catch(() => sub.unsubscribe())),
        );
        const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
        await Promise.race([Promise.all([...pending]), grace]);
      })();
      return stopping;
    },
  };
}
