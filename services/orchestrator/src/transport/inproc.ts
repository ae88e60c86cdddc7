// In-process transport: calls model handlers that live in this process (given by whoever composes the stack),
// with every message encoded and decoded through the same protobuf codec as the wire, so inproc and grpc see
// identical data.
import type { MethodDefinition } from '@grpc/proto-loader';
import { arborV1, type PolicyHandler, type RewardHandler, type ValueHandler } from '@arbor/contracts';
import type { CallOptions, ModelTransports, UnaryTransport } from './types.js';

function roundTrip<Req, ReqOut, Res, ResOut>(
  method: MethodDefinition<Req, Res, ReqOut, ResOut>,
  handle: (request: ReqOut, signal: AbortSignal) => Promise<Res>,
): UnaryTransport<Req, ResOut> {
  return async (request: Req, options: CallOptions) => {
    const decoded = method.requestDeserialize(method.requestSerialize(request));
    const response = await handle(decoded, options.signal);
    return { response: method.responseDeserialize(method.responseSerialize(response)), attempts: 1 };
  };
}

/** The model services that run in this process, by their contracts. */
export interface InprocHandlers {
  policy?: PolicyHandler;
  value?: ValueHandler;
  reward?: RewardHandler;
}

/** Builds the in-process transport of each service that has a handler. */
export function inprocTransports(handlers: InprocHandlers): Partial<Omit<ModelTransports, 'close'>> {
  const v1 = arborV1();
  const { policy, value, reward } = handlers;
  return {
    ...(policy && { propose: roundTrip(v1.PolicyService.service.Propose, (r, s) => policy.propose(r, s)) }),
    ...(value && { evaluate: roundTrip(v1.ValueService.service.Evaluate, (r, s) => value.evaluate(r, s)) }),
    ...(reward && { score: roundTrip(v1.RewardService.service.Score, (r, s) => reward.score(r, s)) }),
  };
}
