// How the orchestrator reaches one model service. Three implementations: inproc, grpc and nats.
import type {
  EvaluateRequest,
  EvaluateResponse__Output,
  ProposeRequest,
  ProposeResponse__Output,
  ScoreRequest,
  ScoreResponse__Output,
} from '@arbor/contracts';

export interface CallOptions {
  /** Aborted when the search is cancelled or its deadline passes. */
  signal: AbortSignal;
  /** Absolute epoch ms after which the call is useless to the search. */
  deadline: number;
  /** W3C traceparent of the search, so the service's logs and spans join its trace. */
  traceparent?: string;
  /** The search the call is for: calls waiting for a service take turns by search. */
  searchId?: string;
}

export interface CallResult<Res> {
  response: Res;
  /** Attempts the transport made (1 when the first succeeded). */
  attempts: number;
  /** Extra copies sent while an earlier one was still out (hedges, re-sends after a reconnect). */
  hedges?: number;
}

export type UnaryTransport<Req, Res> = (request: Req, options: CallOptions) => Promise<CallResult<Res>>;

export interface ModelTransports {
  propose: UnaryTransport<ProposeRequest, ProposeResponse__Output>;
  evaluate: UnaryTransport<EvaluateRequest, EvaluateResponse__Output>;
  score: UnaryTransport<ScoreRequest, ScoreResponse__Output>;
  /** Releases connections. */
  close(): Promise<void>;
}
