// Assembles the orchestrator's model transports from configuration: handlers that run in this process (given by
// the app that composes it), gRPC clients to services running elsewhere, or requests over NATS.
import { ConfigError, type ClientTls, type Logger } from '@arbor/kit';
import { natsRoute, type NatsOperation } from '@arbor/contracts';
import type { ModelService, TreeView } from '@arbor/search';
import { TRANSPORT_SETTING, type OrchestratorConfig } from './config.js';
import { grpcPolicyTransport, grpcRewardTransport, grpcValueTransport } from './transport/grpc.js';
import { limitCalls, orchestratorLimiters, type ServiceLimiters } from './transport/call-limiter.js';
import { inprocTransports, type InprocHandlers } from './transport/inproc.js';
import { ReplicaDiscovery } from './transport/discovery.js';
import { DEFAULT_HEDGING, HedgePolicy } from './transport/hedging.js';
import { NatsLink } from './transport/nats-link.js';
import { natsPolicyTransport, natsRewardTransport, natsValueTransport, type ServiceRouting } from './transport/nats.js';
import { DEFAULT_REPLICA_OPTIONS, ReplicaSet } from './transport/replicas.js';
import { ReplicaAffinity } from './transport/affinity.js';
import { DEFAULT_RETRY } from './transport/retry.js';
import type { ModelTransports, UnaryTransport } from './transport/types.js';
import { nextTurn } from './turns.js';
import { SearchRunner } from './search-runner.js';
import { ClusterSearches } from './cluster/cluster-searches.js';
import { SharedTrees } from './cluster/shared-trees.js';
import { JobService } from './jobs/job-service.js';
import { JobWorker } from './jobs/job-worker.js';

export const MODEL_SERVICES = ['policy', 'value', 'reward'] as const satisfies readonly ModelService[];

const OPERATION = { policy: 'propose', value: 'evaluate', reward: 'score' } as const satisfies Record<ModelService, NatsOperation>;

export interface Stack {
  transports: ModelTransports;
  runner: SearchRunner;
  /** Set when a service is reached over NATS: the caller connects it and drains it on exit. */
  nats?: NatsLink;
  /** Finds the replicas of the services reached over NATS; whoever connects the link starts it. */
  discovery?: ReplicaDiscovery;
  /** Backpressure per model service: calls in flight, waiting, and the current limit. */
  limiters: ServiceLimiters;
  /** GetTree and CancelSearch for a search of any replica (this one's alone until JetStream is attached). */
  searches: ClusterSearches;
  /** The JobService's domain; FAILED_PRECONDITION for every call unless ARBOR_JOBS=on. */
  jobs: JobService;
  /** With ARBOR_JOBS=on: this replica's share of the job queue, and the finished trees it keeps in JetStream. */
  jobWorker?: JobWorker;
  sharedTrees?: SharedTrees;
}

function servicesReachedBy(config: OrchestratorConfig, transport: OrchestratorConfig['ARBOR_POLICY_TRANSPORT']): ModelService[] {
  return MODEL_SERVICES.filter((service) => config[TRANSPORT_SETTING[service]] === transport);
}

/** The model services this configuration expects to find in the same process. */
export function inprocServices(config: OrchestratorConfig): ModelService[] {
  return servicesReachedBy(config, 'inproc');
}

function natsServices(config: OrchestratorConfig): ModelService[] {
  return servicesReachedBy(config, 'nats');
}

/** Where a NATS service's calls go: replicas learnt by discovery, its hedging policy, and replica affinity. */
export type NatsRouting = Partial<Record<NatsOperation, ServiceRouting>>;

export function natsRouting(config: OrchestratorConfig): NatsRouting {
  const hedging = {
    ...DEFAULT_HEDGING,
    factor: config.ARBOR_HEDGE_FACTOR,
    minDelayMs: config.ARBOR_HEDGE_MIN_DELAY_MS,
    maxShare: config.ARBOR_HEDGE_MAX_SHARE,
  };
  const replicaOptions = { ...DEFAULT_REPLICA_OPTIONS, loadFactor: config.ARBOR_NATS_AFFINITY_LOAD_FACTOR };
  return Object.fromEntries(
    natsServices(config).map((service) => [
      OPERATION[service],
      {
        replicas: new ReplicaSet(replicaOptions),
        hedging: new HedgePolicy(hedging),
        ...(config.ARBOR_NATS_AFFINITY && { affinity: new ReplicaAffinity() }),
      },
    ]),
  );
}

export function buildTransports(
  config: OrchestratorConfig,
  handlers: InprocHandlers = {},
  link?: NatsLink,
  routing: NatsRouting = {},
  tls?: ClientTls,
): ModelTransports {
  for (const service of inprocServices(config)) {
    if (!handlers[service]) {
      throw new ConfigError(`${TRANSPORT_SETTING[service]}: inproc needs the ${service} service in this process; use grpc or nats to reach it`);
    }
  }
  const retry = { ...DEFAULT_RETRY, maxAttempts: config.ARBOR_MODEL_MAX_ATTEMPTS };
  const clients: { close(): void }[] = [];
  const natsOptions = () => {
    if (!link) throw new Error('a NATS transport needs a NatsLink');
    return {
      link,
      namespace: config.ARBOR_NATS_NAMESPACE,
      retry,
      timeoutsMs: { propose: config.ARBOR_POLICY_TIMEOUT_MS, evaluate: config.ARBOR_VALUE_TIMEOUT_MS, score: config.ARBOR_REWARD_TIMEOUT_MS },
      routing,
    };
  };

  const inproc = inprocTransports({
    ...(config.ARBOR_POLICY_TRANSPORT === 'inproc' && { policy: handlers.policy }),
    ...(config.ARBOR_VALUE_TRANSPORT === 'inproc' && { value: handlers.value }),
    ...(config.ARBOR_REWARD_TRANSPORT === 'inproc' && { reward: handlers.reward }),
  });

  const viaGrpc = <T extends { transport: unknown; client: { close(): void } }>(made: T): T['transport'] => {
    clients.push(made.client);
    return made.transport;
  };
  const propose =
    inproc.propose ??
    (config.ARBOR_POLICY_TRANSPORT === 'nats' ? natsPolicyTransport(natsOptions()) : undefined) ??
    viaGrpc(grpcPolicyTransport({ address: config.ARBOR_POLICY_ADDRESS, timeoutMs: config.ARBOR_POLICY_TIMEOUT_MS, retry, ...(tls && { tls }) }));
  const evaluate =
    inproc.evaluate ??
    (config.ARBOR_VALUE_TRANSPORT === 'nats' ? natsValueTransport(natsOptions()) : undefined) ??
    viaGrpc(grpcValueTransport({ address: config.ARBOR_VALUE_ADDRESS, timeoutMs: config.ARBOR_VALUE_TIMEOUT_MS, retry, ...(tls && { tls }) }));
  const score =
    inproc.score ??
    (config.ARBOR_REWARD_TRANSPORT === 'nats' ? natsRewardTransport(natsOptions()) : undefined) ??
    viaGrpc(grpcRewardTransport({ address: config.ARBOR_REWARD_ADDRESS, timeoutMs: config.ARBOR_REWARD_TIMEOUT_MS, retry, ...(tls && { tls }) }));

  return {
    propose,
    evaluate,
    score,
    async close() {
      for (const client of clients) client.close();
    },
  };
}

/**
 * The same transports, each reply handed back in an event-loop turn of its own (see turns.ts). The in-process
 * ones take their turn themselves, before decoding.
 */
function takingTurns(transports: ModelTransports, config: OrchestratorConfig): ModelTransports {
  const turn = <Req, Res>(service: ModelService, transport: UnaryTransport<Req, Res>): UnaryTransport<Req, Res> => {
    if (config[TRANSPORT_SETTING[service]] === 'inproc') return transport;
    return async (request, options) => {
      const result = await transport(request, options);
      // A reply the search no longer waits for needs no turn: nothing will be done with it.
      if (!options.signal.aborted) await nextTurn();
      return result;
    };
  };
  return {
    propose: turn('policy', transports.propose),
    evaluate: turn('value', transports.evaluate),
    score: turn('reward', transports.score),
    close: () => transports.close(),
  };
}

/**
 * The search runner and its transports, before anything listens. `handlers` are the model services that run in
 * this process; every service configured as `inproc` must have one.
 */
export function buildStack(config: OrchestratorConfig, logger: Logger, handlers: InprocHandlers = {}, tls?: ClientTls): Stack {
  const jobsOn = config.ARBOR_JOBS === 'on';
  const nats = natsServices(config).length > 0 || jobsOn ? new NatsLink() : undefined;
  const limiters = orchestratorLimiters(config.ARBOR_MAX_CALLS_IN_FLIGHT);
  const routing = natsRouting(config);
  const transports = limitCalls(takingTurns(buildTransports(config, handlers, nats, routing, tls), config), limiters);
  let discovery: ReplicaDiscovery | undefined;
  if (nats && natsServices(config).length > 0) {
    const services = natsServices(config).map((service) => ({
      operation: OPERATION[service],
      subject: natsRoute(OPERATION[service], config.ARBOR_NATS_NAMESPACE).subject,
      replicas: routing[OPERATION[service]]!.replicas,
    }));
    discovery = new ReplicaDiscovery(nats, services, logger);
    // What the replicas take together bounds what this orchestrator sends them.
    discovery.onRound(() => {
      for (const service of natsServices(config)) {
        limiters[service].setCapacity(routing[OPERATION[service]]!.replicas.capacity(discovery!.presenceWindowMs));
      }
    });
  }
  const sharedTrees = jobsOn ? new SharedTrees(logger) : undefined;
  const runner = new SearchRunner({
    transports,
    logger,
    limits: {
      defaultDeadlineMs: config.ARBOR_SEARCH_DEADLINE_MS,
      maxDeadlineMs: config.ARBOR_SEARCH_MAX_DEADLINE_MS,
      maxNodes: config.ARBOR_MAX_TREE_NODES,
      maxDepth: config.ARBOR_MAX_TREE_DEPTH,
    },
    ...(config.ARBOR_RETAINED_TREES_MB > 0 && { retainedTreeBytes: config.ARBOR_RETAINED_TREES_MB * 2 ** 20 }),
    admission: {
      maxRunning: config.ARBOR_MAX_CONCURRENT_SEARCHES,
      maxWaiting: config.ARBOR_ADMISSION_QUEUE,
      maxWaitMs: config.ARBOR_ADMISSION_MAX_WAIT_MS,
    },
    ...(sharedTrees && { onTreeFinished: (tenant: string, searchId: string, tree: TreeView) => sharedTrees.keep(tenant, searchId, tree) }),
  });
  const jobWorker = jobsOn
    ? new JobWorker({
        runner,
        logger,
        ...(sharedTrees && { sharedTrees }),
        // Half the slots by default: searches asked for interactively keep room beside a large job.
        slots: config.ARBOR_JOB_SEARCHES || Math.max(1, Math.ceil(config.ARBOR_MAX_CONCURRENT_SEARCHES / 2)),
        ackWaitMs: config.ARBOR_JOB_ACK_WAIT_MS,
        maxAttempts: config.ARBOR_JOB_MAX_ATTEMPTS,
      })
    : undefined;
  return {
    transports,
    runner,
    ...(nats && { nats }),
    ...(discovery && { discovery }),
    limiters,
    searches: new ClusterSearches(runner, sharedTrees),
    jobs: new JobService(runner, jobsOn),
    ...(jobWorker && { jobWorker }),
    ...(sharedTrees && { sharedTrees }),
  };
}
