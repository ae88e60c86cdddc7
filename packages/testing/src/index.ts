// Public API of @arbor/testing: test support. Shipped code (the benchmarks) imports the fake servers from
// '@arbor/testing/fake-servers' only, since this root also loads vitest (fake-server-hooks.ts).
export * from './fake-servers.js';
export { startFakeModelServerForTest, useFakeModelServer } from './fake-server-hooks.js';
export { countdownRequest, silent, testNamespace } from './search-requests.js';
export { capturingLogger, type CapturedLog } from './log-capture.js';
export { pinnedRequestFields, undeclaredFields, type FieldEndpoint, type FieldServer, type PinnedRequestFields } from './request-fields.js';
