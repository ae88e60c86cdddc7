// Service runtime shared by every Arbor process.
export * from './errors.js';
export { toGrpcStatus, fromGrpcStatus, fromServiceError, statusName, type GrpcStatusInfo } from './grpc-status.js';
export { readConfig, readConfigFileSettings, readableFile, env, ConfigError, urlsOf, z, type EnvSource } from './config.js';
export {
  clientTls,
  clientTlsFrom,
  clientTlsShape,
  readClientTls,
  readServerTls,
  serverTls,
  serverTlsFrom,
  serverTlsShape,
  type ClientTls,
  type ClientTlsFiles,
  type ClientTlsSettings,
  type ServerTls,
  type ServerTlsFiles,
  type ServerTlsSettings,
} from './tls.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export {
  startGrpcServer,
  cannotListen,
  LIVENESS_SERVICE,
  MAX_RECEIVE_MESSAGE_BYTES,
  type GrpcServerOptions,
  type RunningGrpcServer,
  type ServiceRegistration,
} from './grpc-server.js';
export { unaryHandler, serverStreamHandler, logCallError, type CallContext, type HandlerOptions } from './handlers.js';
export { onShutdownSignals, type StopHook } from './shutdown.js';
export {
  runningService,
  serveModelService,
  SERVICE_NAMES,
  type ArborService,
  type ModelServeOptions,
  type RunningService,
  type ServeOptions,
  type ServiceName,
  type StopPlan,
} from './service.js';
export { checkHealth, listServices, type HealthStatus } from './grpc-probes.js';
export * from './nats/index.js';
export { sleep } from './sleep.js';
export { doublingDelayMs } from './backoff.js';
export { withinLoadBound, type LoadShare } from './bounded-load.js';
export { abortError, untilAborted } from './abort.js';
export { setSignalDeadline, signalDeadline } from './signal-deadline.js';
export { MicroBatcher, type MicroBatcherOptions } from './micro-batcher.js';
export { splitCachedTokens, splitUsage, type TokenCounts } from './usage-split.js';
export { shareBatchUsage, sumShares, type ItemShare } from './batch-usage.js';
export {
  arborTracer,
  traceLogFields,
  traceparentOf,
  contextWithSpan,
  errorType,
  recordSpanError,
  injectIntoMetadata,
  extractFromMetadata,
  injectIntoNatsHeaders,
  extractFromNatsHeaders,
} from './telemetry/tracing.js';
export { ATTR, CALL_OUTCOME, METRIC, INSTRUMENTATION_SCOPE, type CallOutcome } from './telemetry/attributes.js';
export { arborInstruments, type ArborInstruments } from './telemetry/instruments.js';
export { shutdownTelemetry, activeTelemetry, type TelemetryHandle } from './telemetry/lifecycle.js';
export {
  ServicePrices,
  readServicePrices,
  loadPricesFile,
  parsePricesFile,
  priceSetting,
  pricesFileSetting,
  priceVariables,
  costOf,
  ANY_MODEL,
  PRICED_SERVICES,
  type Price,
  type PricedService,
  type PricedUsage,
  type PricesFile,
} from './pricing.js';
export { BackendCalls, NO_BATCHING, type BackendCallsOptions, type Batching } from './backend-calls.js';
