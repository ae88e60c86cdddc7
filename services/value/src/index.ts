export type { ValueBackend } from './backend.js';
export { EvaluateHandler, MAX_STATES } from './handler.js';
export { readValueConfig, valueConfigShape, VALUE_BACKENDS, type ValueConfig } from './config.js';
export { createValueBackend } from './backends/index.js';
export { startValueServer, VALUE_SERVICE_NAME } from './server.js';
export { serveValueOnNats } from './nats.js';
