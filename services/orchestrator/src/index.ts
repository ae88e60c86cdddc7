// The orchestrator as a library: the search runner, its gRPC server, transports and the CLI entry.
export { SearchRunner, seedFromWire, type SearchRunnerOptions, type RunOptions } from './search-runner.js';
export { startSearchServer, SEARCH_SERVICE_NAME } from './server.js';
export { readOrchestratorConfig, orchestratorConfigShape, TRANSPORTS, type OrchestratorConfig } from './config.js';
export { buildStack, buildTransports, type Stack } from './stack.js';
export { algorithmFromRequest, ALGORITHM_NAMES, DEFAULT_ALGORITHM, type AlgorithmName } from './algorithms.js';
export { budgetFromRequest, DEFAULT_BUDGET_LIMITS, type BudgetLimits } from './budget.js';
export { inprocTransports } from './transport/inproc.js';
export type { ModelTransports, UnaryTransport, CallOptions } from './transport/types.js';
export { withRetries, backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './transport/retry.js';
export { main } from './cli/main.js';
export { startServices, type ServingStack } from './cli/serve.js';
