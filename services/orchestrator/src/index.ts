// The orchestrator: the SearchService and what it runs on. createOrchestrator is what the arbor app composes;
// '@arbor/orchestrator/parts' exposes the pieces one by one for the benchmarks that time them.
export { createOrchestrator, type Orchestrator, type OrchestratorOptions } from './service.js';
export { readOrchestratorConfig, orchestratorConfigShape, TRANSPORTS, type OrchestratorConfig } from './config.js';
export { buildStack, inprocServices, MODEL_SERVICES, type Stack } from './stack.js';
export { SearchRunner, seedFromWire, type SearchRunnerOptions, type RunOptions } from './search-runner.js';
export { startSearchServer, SEARCH_SERVICE_NAME } from './server.js';
export {
  algorithmFromRequest,
  algorithmOneof,
  ALGORITHMS,
  ALGORITHM_NAMES,
  DEFAULT_ALGORITHM,
  SERVER_DEFAULTS,
  type AlgorithmName,
} from './algorithms.js';
export { budgetFromRequest, DEFAULT_BUDGET_LIMITS, type BudgetLimits } from './budget.js';
export type { InprocHandlers } from './transport/inproc.js';
export type { ModelTransports, UnaryTransport, CallOptions } from './transport/types.js';
