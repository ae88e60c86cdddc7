// The value service: createValueService is what the arbor app composes; the rest is for tests and benchmarks.
export { createValueService, type ValueService } from './service.js';
export type { ValueBackend, ValueItem } from './backend.js';
export { EvaluateHandler, MAX_STATES, NO_BATCHING } from './handler.js';
export { readValueConfig, valueBatching, valueConfigShape, VALUE_BACKENDS, type Batching, type ValueBackendName, type ValueConfig } from './config.js';
export { createValueBackend } from './backends/index.js';
export { startValueServer, VALUE_SERVICE_NAME } from './server.js';
export { serveValueOnNats } from './nats.js';
