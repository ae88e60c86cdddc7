// gRPC transport: one channel per model service address, a deadline on every call, bounded retries, and the
// caller's trace context in the metadata.
import * as grpc from '@grpc/grpc-js';
import {
  arborV1,
  type EvaluateRequest,
  type EvaluateResponse__Output,
  type ProposeRequest,
  type ProposeResponse__Output,
  type ScoreRequest,
  type ScoreResponse__Output,
} from '@arbor/contracts';
import { fromServiceError, injectIntoMetadata, MAX_RECEIVE_MESSAGE_BYTES, type ClientTls } from '@arbor/kit';
import { DeadlineExceededError } from '@arbor/kit/errors';
import { withRetries, type RetryPolicy } from './retry.js';
import type { CallOptions, UnaryTransport } from './types.js';

export interface GrpcTarget {
  address: string;
  /** Default plaintext. */
  tls?: ClientTls;
  /** Per-attempt timeout; the search deadline caps it further. */
  timeoutMs: number;
  retry: RetryPolicy;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': MAX_RECEIVE_MESSAGE_BYTES,
  // Model calls are long; keep idle channels alive rather than reconnecting mid-search.
  'grpc.keepalive_time_ms': 30_000,
};

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: Res) => void,
) => grpc.ClientUnaryCall;

function unary<Req, Res>(target: GrpcTarget, method: UnaryMethod<Req, Res>): UnaryTransport<Req, Res> {
  return async (request: Req, options: CallOptions) => {
    // A handshake started before the certificate files are read would fail.
    await target.tls?.ready;
    const { result, attempts } = await withRetries(target.retry, options.deadline, options.signal, () =>
      attemptOnce(target, method, request, options),
    );
    return { response: result, attempts };
  };
}

function attemptOnce<Req, Res>(target: GrpcTarget, method: UnaryMethod<Req, Res>, request: Req, options: CallOptions): Promise<Res> {
  const remaining = options.deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new DeadlineExceededError('search deadline passed before the model call'));
  const metadata = new grpc.Metadata();
  // The active context is the model call's span (model-client runs the transport inside it), so the service's
  // server span becomes its child. With tracing off nothing is injected and the caller's traceparent goes instead.
  injectIntoMetadata(metadata);
  if (options.traceparent && metadata.get('traceparent').length === 0) metadata.set('traceparent', options.traceparent);
  return new Promise<Res>((resolve, reject) => {
    const call = method(request, metadata, { deadline: Date.now() + Math.min(target.timeoutMs, remaining) }, (err, response) => {
      options.signal.removeEventListener('abort', onAbort);
      if (err) reject(fromServiceError(err));
      else resolve(response as Res);
    });
    const onAbort = () => call.cancel();
    options.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function credentialsOf(target: GrpcTarget): grpc.ChannelCredentials {
  return target.tls?.credentials ?? grpc.credentials.createInsecure();
}

function channelOptions(target: GrpcTarget): grpc.ChannelOptions {
  return { ...CHANNEL_OPTIONS, ...target.tls?.options };
}

export interface GrpcModelTransport<Req, Res> {
  transport: UnaryTransport<Req, Res>;
  client: grpc.Client;
}

export function grpcPolicyTransport(target: GrpcTarget): GrpcModelTransport<ProposeRequest, ProposeResponse__Output> {
  const client = new (arborV1().PolicyService)(target.address, credentialsOf(target), channelOptions(target));
  return { client, transport: unary(target, (req, md, opts, cb) => client.Propose(req, md, opts, cb)) };
}

export function grpcValueTransport(target: GrpcTarget): GrpcModelTransport<EvaluateRequest, EvaluateResponse__Output> {
  const client = new (arborV1().ValueService)(target.address, credentialsOf(target), channelOptions(target));
  return { client, transport: unary(target, (req, md, opts, cb) => client.Evaluate(req, md, opts, cb)) };
}

export function grpcRewardTransport(target: GrpcTarget): GrpcModelTransport<ScoreRequest, ScoreResponse__Output> {
  const client = new (arborV1().RewardService)(target.address, credentialsOf(target), channelOptions(target));
  return { client, transport: unary(target, (req, md, opts, cb) => client.Score(req, md, opts, cb)) };
}
