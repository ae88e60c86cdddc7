// Assembles the orchestrator's model transports from configuration: in-process services built from their own
// configs (the real handlers and backends), or gRPC clients to services running elsewhere.
import { readServicePrices, type EnvSource, type Logger } from '@arbor/kit';
import { createPolicyBackend, ProposeHandler, readPolicyConfig } from '@arbor/policy';
import { buildEvaluateHandler, readValueConfig } from '@arbor/value';
import { buildScoreHandler, readRewardConfig } from '@arbor/reward';
import type { OrchestratorConfig } from './config.js';
import { grpcPolicyTransport, grpcRewardTransport, grpcValueTransport } from './transport/grpc.js';
import { limitInFlight, Semaphore } from './transport/in-flight.js';
import { inprocTransports } from './transport/inproc.js';
import { NatsLink } from './transport/nats-link.js';
import { natsPolicyTransport, natsRewardTransport, natsValueTransport } from './transport/nats.js';
import { DEFAULT_RETRY } from './transport/retry.js';
import type { ModelTransports } from './transport/types.js';
import { SearchRunner } from './search-runner.js';

export interface Stack {
  transports: ModelTransports;
  runner: SearchRunner;
  /** Set when a service is reached over NATS: the caller connects it (see serve.ts) and drains it on exit. */
  nats?: NatsLink;
  /** Model calls in flight right now, across all searches. */
  callsInFlight: () => number;
}

export function usesNats(config: OrchestratorConfig): boolean {
  return [config.ARBOR_POLICY_TRANSPORT, config.ARBOR_VALUE_TRANSPORT, config.ARBOR_REWARD_TRANSPORT].includes('nats');
}

export function buildTransports(config: OrchestratorConfig, env: EnvSource, link?: NatsLink): ModelTransports {
  const retry = { ...DEFAULT_RETRY, maxAttempts: config.ARBOR_MODEL_MAX_ATTEMPTS };
  const clients: { close(): void }[] = [];
  const natsOptions = () => {
    if (!link) throw new Error('a NATS transport needs a NatsLink');
    return {
      link,
      namespace: config.ARBOR_NATS_NAMESPACE,
      retry,
      timeoutsMs: { propose: config.ARBOR_POLICY_TIMEOUT_MS, evaluate: config.ARBOR_VALUE_TIMEOUT_MS, score: config.ARBOR_REWARD_TIMEOUT_MS },
    };
  };

  // Each service's own config is read only when it runs in this process, so a bad ARBOR_POLICY_* setting
  // is reported by the process that uses it.
  const inproc = inprocTransports({
    ...(config.ARBOR_POLICY_TRANSPORT === 'inproc' && { policy: new ProposeHandler(createPolicyBackend(readPolicyConfig(env)), readServicePrices('policy', env)) }),
    ...(config.ARBOR_VALUE_TRANSPORT === 'inproc' && { value: buildEvaluateHandler(readValueConfig(env), readServicePrices('value', env)) }),
    ...(config.ARBOR_REWARD_TRANSPORT === 'inproc' && { reward: buildScoreHandler(readRewardConfig(env), readServicePrices('reward', env)) }),
  });

  const viaGrpc = <T extends { transport: unknown; client: { close(): void } }>(made: T): T['transport'] => {
    clients.push(made.client);
    return made.transport;
  };
  const propose =
    inproc.propose ??
    (config.ARBOR_POLICY_TRANSPORT === 'nats' ? natsPolicyTransport(natsOptions()) : undefined) ??
    viaGrpc(grpcPolicyTransport({ address: config.ARBOR_POLICY_ADDRESS, timeoutMs: config.ARBOR_POLICY_TIMEOUT_MS, retry }));
  const evaluate =
    inproc.evaluate ??
    (config.ARBOR_VALUE_TRANSPORT === 'nats' ? natsValueTransport(natsOptions()) : undefined) ??
    viaGrpc(grpcValueTransport({ address: config.ARBOR_VALUE_ADDRESS, timeoutMs: config.ARBOR_VALUE_TIMEOUT_MS, retry }));
  const score =
    inproc.score ??
    (config.ARBOR_REWARD_TRANSPORT === 'nats' ? natsRewardTransport(natsOptions()) : undefined) ??
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
  const nats = usesNats(config) ? new NatsLink() : undefined;
  const semaphore = new Semaphore(config.ARBOR_MAX_CALLS_IN_FLIGHT);
  const transports = limitInFlight(buildTransports(config, env, nats), semaphore);
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
  return { transports, runner, ...(nats && { nats }), callsInFlight: () => semaphore.inFlight };
}
