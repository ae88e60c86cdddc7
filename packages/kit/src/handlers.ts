// Thin adapters from async domain functions to grpc-js handlers: errors mapped through the one table,
// the callback called exactly once, and an AbortSignal that fires when the caller goes away.
import type * as grpc from '@grpc/grpc-js';
import { toGrpcStatus, statusName } from './grpc-status.js';
import type { Logger } from './logger.js';

export interface CallContext {
  /** Aborted when the client cancels or its deadline passes. */
  signal: AbortSignal;
  metadata: grpc.Metadata;
}

function callSignal(call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>): AbortSignal {
  const controller = new AbortController();
  call.once('cancelled', () => controller.abort(new Error('call cancelled by client')));
  return controller.signal;
}

/** Logs a failed call: domain errors at info (the caller's fault), everything else at error with its stack. */
export function logCallError(logger: Logger, method: string, err: unknown): void {
  const { code } = toGrpcStatus(err);
  const fields = { method, code: statusName(code), err };
  if (code === 13 /* INTERNAL */) logger.error(fields, 'call failed');
  else logger.info(fields, 'call rejected');
}

export function unaryHandler<Req, Res>(
  logger: Logger,
  method: string,
  fn: (request: Req, context: CallContext) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const context: CallContext = { signal: callSignal(call), metadata: call.metadata };
    let answered = false;
    const answer = (err: grpc.ServerErrorResponse | null, response?: Res) => {
      if (answered) return;
      answered = true;
      callback(err, response);
    };
    fn(call.request, context).then(
      (response) => answer(null, response),
      (err: unknown) => {
        logCallError(logger, method, err);
        const { code, details } = toGrpcStatus(err);
        answer({ name: 'ArborError', message: details, code, details });
      },
    );
  };
}

export function serverStreamHandler<Req, Res>(
  logger: Logger,
  method: string,
  fn: (request: Req, send: (message: Res) => void, context: CallContext) => Promise<void>,
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const context: CallContext = { signal: callSignal(call), metadata: call.metadata };
    fn(call.request, (message) => call.write(message), context).then(
      () => call.end(),
      (err: unknown) => {
        logCallError(logger, method, err);
        const { code, details } = toGrpcStatus(err);
        call.destroy(Object.assign(new Error(details), { code, details }));
      },
    );
  };
}
