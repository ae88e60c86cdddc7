// In-process transport: calls model handlers that live in this process (given by whoever composes the stack),
// with every message encoded and decoded through the same protobuf codec as the wire, so inproc and grpc see
// identical data. Each reply is handed back in an event-loop turn of its own (../turns.ts).
import type { MethodDefinition } from '@grpc/proto-loader';
import { arborV1, type EncodedHandler, type PolicyHandler, type RewardHandler, type ValueHandler } from '@arbor/contracts';
import { nextTurn } from '../turns.js';
import type { CallOptions, ModelTransports, UnaryTransport } from './types.js';

function roundTrip<Req, ReqOut, Res, ResOut>(
  method: MethodDefinition<Req, Res, ReqOut, ResOut>,
  handle: (request: ReqOut, signal: AbortSignal) => Promise<Res>,
): UnaryTransport<Req, ResOut> {
  return async (request: Req, options: CallOptions) => {
    const decoded = method.requestDeserialize(method.requestSerialize(request));
    const response = await handle(decoded, options.signal);
    // The search goes on with this reply in a turn of its own (../turns.ts).
    if (!options.signal.aborted) await nextTurn();
    return { response: method.responseDeserialize(method.responseSerialize(response)), attempts: 1 };
  };
}

/** Through the bytes only: encoded here, decoded wherever the handler runs, and back. */
function encodedTrip<Req, ReqOut, Res, ResOut>(method: MethodDefinition<Req, Res, ReqOut, ResOut>, handler: EncodedHandler): UnaryTransport<Req, ResOut> {
  return async (request: Req, options: CallOptions) => {
    const reply = await handler.call(method.requestSerialize(request), options.signal);
    // Replies from a worker arrive many at a time: decode each, and go on with it, in a turn of its own.
    if (!options.signal.aborted) await nextTurn();
    return { response: method.responseDeserialize(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength)), attempts: 1 };
  };
}

/** The model services that run in this process (on this thread, or reached by their bytes), by their contracts. */
export interface InprocHandlers {
  policy?: PolicyHandler | EncodedHandler;
  value?: ValueHandler | EncodedHandler;
  reward?: RewardHandler | EncodedHandler;
}

function isEncoded(handler: object): handler is EncodedHandler {
  return 'encoded' in handler && handler.encoded === true;
}

/** Builds the in-process transport of each service that has a handler. */
export function inprocTransports(handlers: InprocHandlers): Partial<Omit<ModelTransports, 'close'>> {
  const v1 = arborV1();
  const { Propose } = v1.PolicyService.service;
  const { Evaluate } = v1.ValueService.service;
  const { Score } = v1.RewardService.service;
  const { policy, value, reward } = handlers;
  return {
    ...(policy && { propose: isEncoded(policy) ? encodedTrip(Propose, policy) : roundTrip(Propose, (r, s) => policy.propose(r, s)) }),
    ...(value && { evaluate: isEncoded(value) ? encodedTrip(Evaluate, value) : roundTrip(Evaluate, (r, s) => value.evaluate(r, s)) }),
    ...(reward && { score: isEncoded(reward) ? encodedTrip(Score, reward) : roundTrip(Score, (r, s) => reward.score(r, s)) }),
  };
}
