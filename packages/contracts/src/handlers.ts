// The model services' RPCs as plain TypeScript interfaces: what a policy, value or reward service does, whatever
// carries the call (gRPC, NATS, or a function call within one process). The services implement them; the
// orchestrator's in-process transport calls any object that does, so neither needs the other's code.
import type { EvaluateRequest__Output, EvaluateResponse, ProposeRequest__Output, ProposeResponse, ScoreRequest__Output, ScoreResponse } from './types.js';

export interface PolicyHandler {
  propose(request: ProposeRequest__Output, signal: AbortSignal): Promise<ProposeResponse>;
}

export interface ValueHandler {
  evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse>;
}

export interface RewardHandler {
  score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse>;
}

/**
 * A model service reached through its wire bytes without a network, e.g. on a worker thread: the caller encodes
 * the request once and decodes the reply once, as over gRPC or NATS. Errors are thrown as ArborErrors. A call
 * whose signal has aborted is not started; once started it runs to its end and its reply is dropped.
 */
export interface EncodedHandler {
  readonly encoded: true;
  call(request: Uint8Array, signal: AbortSignal): Promise<Uint8Array>;
}
