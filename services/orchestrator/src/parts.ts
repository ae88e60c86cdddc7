// The pieces the SearchService is built from, one by one: the benchmarks time each against a raw baseline
// (a transport against a bare request/reply loop, the model client against a direct call), so they assemble
// them by hand instead of going through createOrchestrator.
export { bindModelClient, type BoundClientOptions } from './model-client.js';
export { startSearchTrace, type SearchTrace, type SearchTraceInfo } from './trace-context.js';
export { grpcPolicyTransport, grpcRewardTransport, grpcValueTransport, type GrpcTarget } from './transport/grpc.js';
export {
  BusyError,
  CallLimiter,
  DEFAULT_LIMITER,
  limitCalls,
  orchestratorLimiters,
  serviceLimiters,
  type LimiterSettings,
  type ServiceLimiters,
} from './transport/call-limiter.js';
export { inprocTransports, type InprocHandlers } from './transport/inproc.js';
export { NatsLink } from './transport/nats-link.js';
export { natsPolicyTransport, natsRewardTransport, natsUnary, natsValueTransport, type NatsTransportOptions } from './transport/nats.js';
export { backoffDelay, DEFAULT_RETRY, withRetries, type RetryPolicy } from './transport/retry.js';
export type { CallOptions, CallResult, ModelTransports, UnaryTransport } from './transport/types.js';
