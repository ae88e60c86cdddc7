// Service runtime shared by every Arbor process.
export * from './errors.js';
export { toGrpcStatus, fromGrpcStatus, fromServiceError, statusName, type GrpcStatusInfo } from './grpc-status.js';
export { readConfig, env, ConfigError, z, type EnvSource } from './config.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export {
  startGrpcServer,
  MAX_RECEIVE_MESSAGE_BYTES,
  type GrpcServerOptions,
  type RunningGrpcServer,
  type ServiceRegistration,
} from './grpc-server.js';
export { unaryHandler, serverStreamHandler, logCallError, type CallContext } from './handlers.js';
export { onShutdownSignals, type StopHook } from './shutdown.js';
export { checkHealth, listServices, type HealthStatus } from './grpc-probes.js';
export * from './nats/index.js';
export { sleep } from './sleep.js';
