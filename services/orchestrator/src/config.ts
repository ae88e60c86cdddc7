// Orchestrator configuration: where each model service is and how to reach it, timeouts, and search limits.
import { clientTlsShape, env, natsClientShape, readConfig, serverTlsShape, type EnvSource } from '@arbor/kit';
import { authShape } from '@arbor/kit/auth';

export const TRANSPORTS = ['inproc', 'grpc', 'nats'] as const;

export const orchestratorConfigShape = {
  ARBOR_ORCHESTRATOR_LISTEN: env.address('127.0.0.1:50051'),
  /** A plaintext listener for health only, for probes that cannot speak TLS (the kubelet's). */
  ARBOR_ORCHESTRATOR_HEALTH_LISTEN: env.optionalAddress(),
  /** TLS of the SearchService (ARBOR_TLS_*), and of the calls to model services over gRPC (ARBOR_GRPC_*). */
  ...serverTlsShape,
  ...clientTlsShape,
  /** Who may call the SearchService, and as which tenant (ARBOR_AUTH_*): bearer tokens, JWTs, client certificates. */
  ...authShape,
  ARBOR_POLICY_TRANSPORT: env.oneOf(TRANSPORTS, 'inproc'),
  ARBOR_VALUE_TRANSPORT: env.oneOf(TRANSPORTS, 'inproc'),
  ARBOR_REWARD_TRANSPORT: env.oneOf(TRANSPORTS, 'inproc'),
  /** Where the orchestrator finds each model service over gRPC. */
  ARBOR_POLICY_ADDRESS: env.address('127.0.0.1:50052'),
  ARBOR_VALUE_ADDRESS: env.address('127.0.0.1:50053'),
  ARBOR_REWARD_ADDRESS: env.address('127.0.0.1:50054'),
  /** Per-attempt timeouts, sized for LLM calls rather than RPC defaults. */
  ARBOR_POLICY_TIMEOUT_MS: env.integer(60_000, 1, 3_600_000),
  ARBOR_VALUE_TIMEOUT_MS: env.integer(30_000, 1, 3_600_000),
  ARBOR_REWARD_TIMEOUT_MS: env.integer(30_000, 1, 3_600_000),
  ARBOR_MODEL_MAX_ATTEMPTS: env.integer(3, 1, 10),
  /**
   * Hedging over NATS: a reply later than the service's recent p99 times ARBOR_HEDGE_FACTOR (and at least
   * ARBOR_HEDGE_MIN_DELAY_MS) is asked of another replica too; at most ARBOR_HEDGE_MAX_SHARE of calls (0: never).
   */
  ARBOR_HEDGE_FACTOR: env.number(3, 1, 100),
  ARBOR_HEDGE_MIN_DELAY_MS: env.integer(250, 1, 600_000),
  ARBOR_HEDGE_MAX_SHARE: env.number(0.1, 0, 1),
  /**
   * Replica affinity over NATS: a node's calls go to the replica that served its parent (where a replica fronts a
   * model server of its own, that server holds the parent's prompt in its prefix cache), unless that replica is
   * busy, hung or gone, or holds more than ARBOR_NATS_AFFINITY_LOAD_FACTOR times its share of the calls in flight.
   */
  ARBOR_NATS_AFFINITY: env.boolean(true),
  ARBOR_NATS_AFFINITY_LOAD_FACTOR: env.number(1.25, 1, 100),
  /** NATS server(s) for the nats transport, comma-separated, and how to authenticate to them (NATS_USER, ...). */
  ...natsClientShape,
  /** Prefix of the NATS subjects and queue groups, so stacks sharing one NATS server stay apart. */
  ARBOR_NATS_NAMESPACE: env.natsNamespace(),
  /**
   * The most model calls in flight to one model service, across all searches. Below it the limit adapts to what
   * the replicas take (busy replies shrink it); calls over the limit wait, taking turns by search.
   */
  ARBOR_MAX_CALLS_IN_FLIGHT: env.integer(256, 1, 100_000),
  ARBOR_SEARCH_DEADLINE_MS: env.integer(120_000, 1, 3_600_000),
  ARBOR_SEARCH_MAX_DEADLINE_MS: env.integer(600_000, 1, 3_600_000),
  ARBOR_MAX_TREE_NODES: env.integer(100_000, 1, 10_000_000),
  ARBOR_MAX_TREE_DEPTH: env.integer(64, 1, 256),
  /** Memory for finished trees kept for GetTree, MB (estimated; oldest dropped first); 0: a quarter of the heap. */
  ARBOR_RETAINED_TREES_MB: env.integer(0, 0, 1_000_000),
  /** Searches running at once; the next ones wait for a slot in the admission queue. */
  ARBOR_MAX_CONCURRENT_SEARCHES: env.integer(64, 1, 100_000),
  /** Searches that may wait for a slot; one more is refused RESOURCE_EXHAUSTED at once. */
  ARBOR_ADMISSION_QUEUE: env.integer(256, 0, 1_000_000),
  /** The longest a search waits for a slot (never past its own deadline) before RESOURCE_EXHAUSTED. */
  ARBOR_ADMISSION_MAX_WAIT_MS: env.integer(30_000, 0, 3_600_000),
  /**
   * Durable jobs and searches reachable from any replica, on NATS JetStream (NATS_URL): this replica takes work
   * from the job queue, keeps finished trees in JetStream's object store and answers other replicas about the
   * searches it runs. Every replica behind one Service needs it on.
   */
  ARBOR_JOBS: env.oneOf(['off', 'on'] as const, 'off'),
  /** Job searches this replica runs at once, within ARBOR_MAX_CONCURRENT_SEARCHES; 0: half of that. */
  ARBOR_JOB_SEARCHES: env.integer(0, 0, 100_000),
  /** A job search not reported alive for this long is handed to another replica (it reports every third of it). */
  ARBOR_JOB_ACK_WAIT_MS: env.integer(30_000, 1_000, 3_600_000),
  /** Deliveries of one problem (replica stops, model outages) before it is answered as failed. */
  ARBOR_JOB_MAX_ATTEMPTS: env.integer(5, 1, 100),
  /** The most the queued problems of all jobs may take in JetStream; a job that does not fit is refused. */
  ARBOR_JOB_QUEUE_MB: env.integer(4_096, 1, 10_000_000),
  /** How long jobs, their queued problems and their results are kept. */
  ARBOR_JOB_RETENTION_HOURS: env.integer(168, 1, 87_600),
  /** How long finished trees are kept in JetStream for GetTree from any replica, and the most they may take. */
  ARBOR_TREE_RETENTION_HOURS: env.integer(24, 1, 87_600),
  ARBOR_SHARED_TREES_MB: env.integer(1_024, 1, 10_000_000),
  /** Copies JetStream keeps of each job stream and bucket: 3 on a three-node NATS cluster, so one node may go. */
  ARBOR_JETSTREAM_REPLICAS: env.integer(1, 1, 5),
};

export type OrchestratorConfig = ReturnType<typeof readOrchestratorConfig>;

type ModelServiceName = 'policy' | 'value' | 'reward';

/** The setting that says how each model service is reached, and where over gRPC. */
export const TRANSPORT_SETTING = {
  policy: 'ARBOR_POLICY_TRANSPORT',
  value: 'ARBOR_VALUE_TRANSPORT',
  reward: 'ARBOR_REWARD_TRANSPORT',
} as const satisfies Record<ModelServiceName, keyof typeof orchestratorConfigShape>;

export const ADDRESS_SETTING = {
  policy: 'ARBOR_POLICY_ADDRESS',
  value: 'ARBOR_VALUE_ADDRESS',
  reward: 'ARBOR_REWARD_ADDRESS',
} as const satisfies Record<ModelServiceName, keyof typeof orchestratorConfigShape>;

export function readOrchestratorConfig(source: EnvSource = process.env) {
  return readConfig(orchestratorConfigShape, source);
}
