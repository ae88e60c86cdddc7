export type { PolicyBackend } from './backend.js';
export { ProposeHandler, MAX_CANDIDATES } from './handler.js';
export { readPolicyConfig, policyConfigShape, POLICY_BACKENDS, type PolicyConfig } from './config.js';
export { createPolicyBackend } from './backends/index.js';
export { startPolicyServer, POLICY_SERVICE_NAME } from './server.js';
export { servePolicyOnNats } from './nats.js';
