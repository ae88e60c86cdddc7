// Public API of @arbor/testing: test support only, never imported by shipped code.
export { startFakeModelServer, errorReply, type FakeModelServer, type FakeReply, type FakeRequest, type FakeRoute } from './fake-model-server.js';
export { startFakeModelServerForTest, useFakeModelServer } from './fake-server-hooks.js';
export { chatReply, completionsReply, judgeReply, modelsReply, poolingReply, pseudoTokens, type FakeChoice, type FakeUsage } from './reply-shapes.js';
export { emulatedServerRoutes, qwenPrmRows, WRONG_STEP, type EmulatedServer, type EmulationOptions } from './emulated-servers.js';
export { countdownRequest, silent, testNamespace } from './search-requests.js';
export { capturingLogger, type CapturedLog } from './log-capture.js';
export { pinnedRequestFields, undeclaredFields, type FieldEndpoint, type FieldServer, type PinnedRequestFields } from './request-fields.js';
export { PrefixCacheModel, prefixCachedRoute, type PrefixCacheCosts, type PrefixCacheStats } from './prefix-cache-model.js';
