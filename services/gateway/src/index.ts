// The gateway service: an OpenAI-compatible HTTP front door to the orchestrator's Search, and the tree viewer.
export { createGatewayService, type GatewayService, type RunningGateway } from './service.js';
export { readGatewayConfig, gatewayConfigShape, type GatewayConfig } from './config.js';
export { DEFAULT_PRESETS, ALGORITHMS, loadPresets, parsePresets, readOverrides, buildSearchRequest, type Preset, type Overrides } from './presets.js';
export { parseQuestion, type ParsedQuestion } from './question.js';
export { httpErrorOf, modelNotFound, openAiError, type HttpError, type OpenAiErrorBody } from './errors.js';
export { toChatCompletion, messageOf, type ChatCompletion } from './completion.js';
export { lastUserMessage, readChatRequest, MAX_N } from './chat-request.js';
export { buildGatewayApp, type GatewayAppOptions } from './server.js';
export { orchestratorClient, type Orchestrator } from './orchestrator.js';
export { nodeJson } from './ui-api.js';
export type { TreeNodeJson } from './ui-api-types.js';
