// The fake model servers without anything of vitest's: what shipped code may import (the benchmarks of `arbor
// bench` run against them). The package root adds test-only helpers tied to vitest's lifecycle.
export { startFakeModelServer, errorReply, type FakeModelServer, type FakeReply, type FakeRequest, type FakeRoute } from './fake-model-server.js';
export { chatReply, completionsReply, judgeReply, modelsReply, poolingReply, pseudoTokens, type FakeChoice, type FakeUsage } from './reply-shapes.js';
export { emulatedServerRoutes, qwenPrmRows, WRONG_STEP, type EmulatedServer, type EmulationOptions } from './emulated-servers.js';
export { PrefixCacheModel, prefixCachedRoute, prefixCachedRoutes, type PrefixCacheCosts, type PrefixCacheStats } from './prefix-cache-model.js';
