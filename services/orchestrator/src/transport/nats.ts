// NATS transport: request/reply to a service, with the call's deadline and id in headers, error replies mapped
// back to domain errors, and bounded retries on timeout, no responders or UNAVAILABLE.
//
// Each attempt is an exchange that may send more than one request: to the least loaded replica that answers
// (its direct subject) or to the queue group when none is known; a second copy to another replica when the
// first is later than the service's hedge delay (that replica is then avoided); and a copy of whatever is still
// out when the NATS connection comes back after an outage. The first reply wins. Each request is a PRODUCER span
// whose context travels in its headers; a losing reply's usage stays on its own span. With replica affinity, a
// call's first attempt goes to the replica that served the longest prefix of its trajectories, when that one can
// take it (replicas.ts); each reply teaches which replica holds the request's paths now.
import { headers as natsHeaders, type Msg } from '@nats-io/transport-node';
import { context, SpanKind, trace, type Span } from '@opentelemetry/api';
import type { MethodDefinition } from '@grpc/proto-loader';
import { status } from '@grpc/grpc-js';
import {
  arborV1,
  MAX_MODEL_MESSAGE_BYTES,
  NATS_HEADERS,
  natsRoute,
  replicaSubject,
  type EvaluateRequest,
  type EvaluateResponse__Output,
  type NatsOperation,
  type ProposeRequest,
  type ProposeResponse__Output,
  type ScoreRequest,
  type ScoreResponse__Output,
} from '@arbor/contracts';
import { arborTracer, ATTR, CALL_OUTCOME, fromGrpcStatus, injectIntoNatsHeaders, recordSpanError } from '@arbor/kit';
import { ArborError, DeadlineExceededError, isArborError, ResourceExhaustedError, RETRYABLE_KINDS, UnavailableError } from '@arbor/kit/errors';
import { BusyError } from './call-limiter.js';
import { affinityKeys, type AffinityKeys, type ReplicaAffinity } from './affinity.js';
import type { HedgePolicy } from './hedging.js';
import type { NatsLink } from './nats-link.js';
import type { ReplicaSet } from './replicas.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { CallOptions, UnaryTransport } from './types.js';

/** How one service is reached over NATS beyond its queue group: which replicas answer, and when to hedge. */
export interface ServiceRouting {
  replicas: ReplicaSet;
  hedging: HedgePolicy;
  /** Without it, calls go to the least loaded replica whatever they carry. */
  affinity?: ReplicaAffinity;
}

export interface NatsTarget<Req = unknown> {
  link: NatsLink;
  /** The service's queue-group subject; a replica's direct subject is derived from it. */
  subject: string;
  /** Per-attempt timeout; the search deadline caps it further. */
  timeoutMs: number;
  retry: RetryPolicy;
  maxMessageBytes?: number;
  /** Without it every request goes to the queue group and nothing is hedged. */
  routing?: ServiceRouting;
  /** What a request is keyed by for replica affinity (its problem and trajectories); without it, no affinity. */
  keysOf?: (request: Req) => AffinityKeys;
}

type AttemptKind = 'first' | 'retry' | 'hedge' | 'resend';

/**
 * After NATS comes back, the replicas reconnect at their own pace (about half a second each): for this long a
 * request that finds no responders is sent again after a pause instead of failing.
 */
const RECONNECT_GRACE_MS = 5_000;
const NO_RESPONDERS_PAUSE_MS = 100;

/** Nobody subscribes to the subject right now. */
class NoRespondersError extends UnavailableError {
  constructor(subject: string, options?: { cause?: unknown }) {
    super(`no responders on ${subject}`, options);
    this.name = 'NoRespondersError';
  }
}

function statusCode(name: string): status {
  const code = (status as unknown as Record<string, number>)[name];
  return typeof code === 'number' ? code : status.UNKNOWN;
}

function isNoResponders(err: unknown): boolean {
  return (
    (err instanceof Error && 'isNoResponders' in err && typeof err.isNoResponders === 'function' && err.isNoResponders() === true) ||
    (err instanceof Error && err.name === 'NoRespondersError')
  );
}

/** Maps what nats.js throws onto the domain errors the retry policy understands. */
function fromNatsError(err: unknown, subject: string): ArborError {
  if (isNoResponders(err)) return new NoRespondersError(subject, { cause: err });
  if (err instanceof Error && err.name === 'TimeoutError') return new DeadlineExceededError(`no reply on ${subject} before the call timeout`, { cause: err });
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

/** Usage on a reply that lost the race, for its span: it was paid for, though the search does not count it. */
function usageAttributes(value: unknown): Record<string, number> {
  const usage = (value as { usage?: { inputTokens?: number; outputTokens?: number; cachedInputTokens?: number; costUsd?: number } | null }).usage;
  if (!usage) return {};
  return {
    [ATTR.genAiInputTokens]: usage.inputTokens ?? 0,
    [ATTR.genAiCacheReadInputTokens]: usage.cachedInputTokens ?? 0,
    [ATTR.genAiOutputTokens]: usage.outputTokens ?? 0,
    [ATTR.costUsd]: usage.costUsd ?? 0,
  };
}

interface ExchangeContext<ResOut> {
  /** Its keysOf is not used here: a call's keys are worked out once, into `keys`. */
  target: Omit<NatsTarget, 'keysOf'>;
  method: MethodDefinition<unknown, unknown, unknown, ResOut>;
  payload: Buffer;
  callId: string;
  attemptIndex: number;
  /** This attempt's time: the per-attempt timeout, capped by the search deadline. */
  timeoutMs: number;
  options: CallOptions;
  /** Counts each extra request (hedge or re-send) as it goes out. */
  onExtra: () => void;
  /** The request's affinity keys, when the service routes by affinity. */
  keys?: AffinityKeys;
}

/** One attempt: sends, hedges and re-sends as needed; settles with the first reply, or once every request failed. */
function exchange<ResOut>(ctx: ExchangeContext<ResOut>): Promise<ResOut> {
  const { target, options, callId } = ctx;
  const routing = target.routing;
  const parent = context.active();
  const endAt = Date.now() + ctx.timeoutMs;
  /** Replicas this attempt has sent to: a hedge goes elsewhere. */
  const used = new Set<string>();
  /** Requests not yet settled, with the replica each went to (undefined: the queue group). */
  const open = new Map<number, string | undefined>();
  let sends = 0;
  let done = false;
  let hedgeTimer: ReturnType<typeof setTimeout> | undefined;
  /** A send waiting for responders to come back after a reconnect, and how long the next pause is. */
  let pauseTimer: ReturnType<typeof setTimeout> | undefined;
  let pauseMs = NO_RESPONDERS_PAUSE_MS;
  /**
   * The replica that served the longest prefix of the request, for the first attempt only: a retry follows a
   * timeout or an outage, and must not go back to a replica that may be hung.
   */
  const preferred = ctx.attemptIndex === 0 && ctx.keys ? routing?.affinity?.preferred(ctx.keys.shared) : undefined;

  return new Promise<ResOut>((resolve, reject) => {
    let stopListening = () => {};
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(hedgeTimer);
      clearTimeout(pauseTimer);
      stopListening();
      options.signal.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(options.signal.reason));

    const failed = (sendId: number, span: Span, err: unknown, from?: string) => {
      if (err instanceof BusyError && from !== undefined) routing?.replicas.busy(from);
      // A request sent before a reconnect no longer counts (its re-send does): its failure changes nothing.
      const wasOpen = open.delete(sendId);
      if (!done && !options.signal.aborted) recordSpanError(span, err);
      span.end();
      if (done || !wasOpen) return;
      // Just after a reconnect, the replicas may not have resubscribed yet: try again shortly.
      if (err instanceof NoRespondersError && target.link.sinceReconnectMs() < RECONNECT_GRACE_MS && pauseTimer === undefined) {
        pauseTimer = setTimeout(() => {
          pauseTimer = undefined;
          send('resend');
        }, pauseMs);
        pauseMs = Math.min(pauseMs * 2, 1_000);
        return;
      }
      // A request the service refused (bad argument, too large) would be refused by any replica: stop now.
      const worthWaiting = err instanceof BusyError || (isArborError(err) && RETRYABLE_KINDS.has(err.kind));
      if (!worthWaiting || (open.size === 0 && pauseTimer === undefined)) finish(() => reject(err));
    };

    const send = (kind: AttemptKind) => {
      const remaining = endAt - Date.now();
      if (done) return;
      if (remaining <= 0) {
        if (open.size === 0) finish(() => reject(new DeadlineExceededError(`no reply on ${target.subject} before the call timeout`)));
        return;
      }
      const sendId = sends++;
      const replica = routing?.replicas.pick(used, preferred);
      if (replica !== undefined) used.add(replica);
      // Hedges and re-sends go elsewhere on purpose: only the first request says whether affinity held.
      const affinity = preferred === undefined || kind !== 'first' ? undefined : replica === preferred ? 'followed' : 'diverted';
      const subject = replica === undefined ? target.subject : replicaSubject(target.subject, replica);
      const span = arborTracer().startSpan(
        `send ${target.subject}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR.messagingSystem]: 'nats',
            [ATTR.messagingDestination]: target.subject,
            [ATTR.messagingOperationType]: 'send',
            [ATTR.messagingOperationName]: 'request',
            [ATTR.messagingBodySize]: ctx.payload.length,
            [ATTR.attempt]: ctx.attemptIndex + 1,
            [ATTR.attemptKind]: kind,
            ...(replica !== undefined && { [ATTR.replica]: replica }),
            ...(affinity && { [ATTR.replicaAffinity]: affinity }),
            ...(callId && { [ATTR.callId]: callId }),
          },
        },
        parent,
      );
      open.set(sendId, replica);
      let nc;
      try {
        nc = target.link.require();
      } catch (err) {
        failed(sendId, span, err);
        return;
      }
      const h = natsHeaders();
      h.set(NATS_HEADERS.deadline, String(endAt));
      if (callId) h.set(NATS_HEADERS.callId, callId);
      injectIntoNatsHeaders(h, trace.setSpan(parent, span));
      // With tracing off nothing is injected; the caller's traceparent still ties the service's logs to the tree.
      if (options.traceparent && !h.has(NATS_HEADERS.traceparent)) h.set(NATS_HEADERS.traceparent, options.traceparent);
      routing?.replicas.started(replica);
      const sentAt = performance.now();
      nc.request(subject, ctx.payload, { timeout: remaining, headers: h }).then(
        (msg) => {
          routing?.replicas.finished(replica);
          const from = msg.headers?.get(NATS_HEADERS.replica) || replica;
          if (from) routing?.replicas.heardFrom(from);
          let value: ResOut;
          try {
            value = decodeReply(msg, ctx.method, callId, target.subject);
          } catch (err) {
            failed(sendId, span, err, from);
            return;
          }
          routing?.hedging.record(performance.now() - sentAt);
          if (from && ctx.keys) routing?.affinity?.served(ctx.keys, from);
          open.delete(sendId);
          if (done) {
            span.setAttributes({ [ATTR.callOutcome]: CALL_OUTCOME.discarded, ...usageAttributes(value) });
            span.end();
            return;
          }
          span.end();
          finish(() => resolve(value));
        },
        (err: unknown) => {
          routing?.replicas.finished(replica);
          if (replica !== undefined && isNoResponders(err)) routing?.replicas.gone(replica);
          failed(sendId, span, fromNatsError(err, subject));
        },
      );
    };

    const armHedge = () => {
      if (!routing) return;
      const delay = routing.hedging.delayMs();
      const remaining = endAt - Date.now();
      if (!Number.isFinite(delay) || delay >= remaining) return;
      hedgeTimer = setTimeout(() => {
        if (done || open.size >= 2 || pauseTimer !== undefined) return;
        if (!routing.hedging.tryHedge()) return;
        // Whatever replica has the request has not answered in time: send it nothing new until it does.
        for (const replica of open.values()) if (replica !== undefined) routing.replicas.suspect(replica);
        ctx.onExtra();
        send('hedge');
      }, delay);
    };

    // Requests in flight when the connection dropped may have been lost with it: send again at once, and stop
    // waiting on the old ones (a reply from one still wins if it comes).
    stopListening = target.link.onReconnect(() => {
      if (done) return;
      open.clear();
      ctx.onExtra();
      send('resend');
    });
    options.signal.addEventListener('abort', onAbort, { once: true });
    if (options.signal.aborted) {
      onAbort();
      return;
    }
    send(ctx.attemptIndex === 0 ? 'first' : 'retry');
    if (!done) armHedge();
  });
}

export function natsUnary<Req extends { callId?: string }, Res, ReqOut, ResOut>(
  target: NatsTarget<Req>,
  method: MethodDefinition<Req, Res, ReqOut, ResOut>,
): UnaryTransport<Req, ResOut> {
  const maxBytes = target.maxMessageBytes ?? MAX_MODEL_MESSAGE_BYTES;
  const counted = new WeakSet<CallOptions>();
  return async (request: Req, options: CallOptions) => {
    const payload = method.requestSerialize(request);
    if (payload.length > maxBytes) {
      throw new ResourceExhaustedError(`request to ${target.subject} is ${payload.length} bytes; the cap is ${maxBytes}`);
    }
    const callId = request.callId ?? '';
    const keys = target.routing?.affinity && target.keysOf ? target.keysOf(request) : undefined;
    let hedges = 0;
    // A call that comes back here after a busy reply is still one call: it earns its share of hedges once.
    if (target.routing && !counted.has(options)) {
      counted.add(options);
      target.routing.hedging.called();
    }
    try {
      const { result, attempts } = await withRetries(target.retry, options.deadline, options.signal, (attemptIndex) => {
        const remaining = options.deadline - Date.now();
        if (remaining <= 0) throw new DeadlineExceededError('search deadline passed before the model call');
        return exchange({
          target,
          method: method as MethodDefinition<unknown, unknown, unknown, ResOut>,
          payload,
          callId,
          attemptIndex,
          timeoutMs: Math.min(target.timeoutMs, remaining),
          options,
          onExtra: () => hedges++,
          ...(keys && { keys }),
        });
      });
      return { response: result, attempts, hedges };
    } catch (err) {
      // The call goes on after a busy reply (call-limiter.ts): the copies sent so far still count.
      if (err instanceof BusyError) err.hedges += hedges;
      throw err;
    }
  };
}

export interface NatsTransportOptions {
  link: NatsLink;
  namespace?: string;
  timeoutsMs: { propose: number; evaluate: number; score: number };
  retry: RetryPolicy;
  /** Per operation; an operation without routing goes to its queue group only. */
  routing?: Partial<Record<NatsOperation, ServiceRouting>>;
}

function target<Req>(o: NatsTransportOptions, operation: NatsOperation, keysOf: (request: Req) => AffinityKeys): NatsTarget<Req> {
  const routing = o.routing?.[operation];
  return {
    link: o.link,
    subject: natsRoute(operation, o.namespace).subject,
    timeoutMs: o.timeoutsMs[operation],
    retry: o.retry,
    ...(routing && { routing }),
    keysOf,
  };
}

/** A proposal extends its one prefix; its children's proposals will extend it further. */
const proposalKeys = (r: ProposeRequest) => affinityKeys(r.problem, [r.prefix?.steps ?? []]);
/** The states a value service rates are usually one node's children: their shared prefix is the node's path. */
const evaluationKeys = (r: EvaluateRequest) => affinityKeys(r.problem, (r.states ?? []).map((s) => s.steps ?? []));
const scoringKeys = (r: ScoreRequest) => affinityKeys(r.problem, (r.trajectories ?? []).map((t) => t.steps ?? []));

export function natsPolicyTransport(o: NatsTransportOptions): UnaryTransport<ProposeRequest, ProposeResponse__Output> {
  return natsUnary(target(o, 'propose', proposalKeys), arborV1().PolicyService.service.Propose);
}

export function natsValueTransport(o: NatsTransportOptions): UnaryTransport<EvaluateRequest, EvaluateResponse__Output> {
  return natsUnary(target(o, 'evaluate', evaluationKeys), arborV1().ValueService.service.Evaluate);
}

export function natsRewardTransport(o: NatsTransportOptions): UnaryTransport<ScoreRequest, ScoreResponse__Output> {
  return natsUnary(target(o, 'score', scoringKeys), arborV1().RewardService.service.Score);
}
