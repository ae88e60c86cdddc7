// The policy service: createPolicyService is what the arbor app composes; the rest is for tests and benchmarks.
export { createPolicyService, type PolicyService } from './service.js';
export type { PolicyBackend } from './backend.js';
export { ProposeHandler, MAX_CANDIDATES } from './handler.js';
export { readPolicyConfig, policyConfigShape, POLICY_BACKENDS, POLICY_APIS, type PolicyConfig, type PolicyApi } from './config.js';
export { createPolicyBackend } from './backends/index.js';
export { createOpenAiPolicy, OPENAI_BACKEND_NAME } from './backends/openai/policy.js';
export { openAiSettingsFromConfig, type OpenAiPolicySettings } from './backends/openai/settings.js';
export { policyServerLabel } from './backends/openai/client.js';
export type { NoticeLogger } from './backends/openai/adaptation.js';
export { startPolicyServer, POLICY_SERVICE_NAME } from './server.js';
export { servePolicyOnNats } from './nats.js';
