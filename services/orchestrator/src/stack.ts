// Assembles the orchestrator's model transports from configuration: in-process services built from their own
// configs (the real handlers and backends), or gRPC clients to services running elsewhere.
import type { EnvSource, Logger } from '@arbor/kit';
import { createPolicyBackend, ProposeHandler, readPolicyConfig } from '@arbor/policy';
import { createValueBackend, EvaluateHandler, readValueConfig } from '@arbor/value';
import { createRewardBackend, readRewardConfig, ScoreHandler } from '@arbor/reward';
import type { OrchestratorConfig } from './config.js';
import { grpcPolicyTransport, grpcRewardTransport, grpcValueTransport } from './transport/grpc.js';
import { inprocTransports } from './transport/inproc.js';
import { DEFAULT_RETRY } from './transport/retry.js';
import type { ModelTransports } from './transport/types.js';
import { SearchRunner } from './search-runner.js';

export interface Stack {
  transports: ModelTransports;
  runner: SearchRunner;
}

export function buildTransports(config: OrchestratorConfig, env: EnvSource): ModelTransports {
  const retry = { ...DEFAULT_RETRY, maxAttempts: config.ARBOR_MODEL_MAX_ATTEMPTS };
  const clients: { close(): void }[] = [];

  // Each service's own config is read only when it runs in this process, so a bad ARBOR_POLICY_* setting
  // is reported by the process that uses it.
  const inproc = inprocTransports({
    ...(config.ARBOR_POLICY_TRANSPORT === 'inproc' && { policy: new ProposeHandler(createPolicyBackend(readPolicyConfig(env))) }),
    ...(config.ARBOR_VALUE_TRANSPORT === 'inproc' && { value: new EvaluateHandler(createValueBackend(readValueConfig(env))) }),
    ...(config.ARBOR_REWARD_TRANSPORT === 'inproc' && { reward: new ScoreHandler(createRewardBackend(readRewardConfig(env))) }),
  });

  const viaGrpc = <T extends { transport: unknown; client: { close(): void } }>(made: T): T['transport'] => {
    clients.push(made.client);
    return made.transport;
  };
  const propose =
    inproc.propose ??
    viaGrpc(grpcPolicyTransport({ address: config.ARBOR_POLICY_ADDRESS, timeoutMs: config.ARBOR_POLICY_TIMEOUT_MS, retry }));
  const evaluate =
    inproc.evaluate ??
    viaGrpc(grpcValueTransport({ address: config.ARBOR_VALUE_ADDRESS, timeoutMs: config.ARBOR_VALUE_TIMEOUT_MS, retry }));
  const score =
    inproc.score ??
    viaGrpc(grpcRewardTransport({ address: config.ARBOR_REWARD_ADDRESS, timeoutMs: config.ARBOR_REWARD_TIMEOUT_MS, retry }));

  return {
    propose,
    evaluate,
    score,
    async close() {
      for (const client of clients) client.close();
    },
  };
}

export function buildStack(config: OrchestratorConfig, env: EnvSource, logger: Logger): Stack {
  const transports = buildTransports(config, env);
  const runner = new SearchRunner({
    transports,
    logger,
    limits: {
      defaultDeadlineMs: config.ARBOR_SEARCH_DEADLINE_MS,
      maxDeadlineMs: config.ARBOR_SEARCH_MAX_DEADLINE_MS,
      maxNodes: config.ARBOR_MAX_TREE_NODES,
      maxDepth: config.ARBOR_MAX_TREE_DEPTH,
    },
    maxConcurrentSearches: config.ARBOR_MAX_CONCURRENT_SEARCHES,
  });
  return { transports, runner };
}
