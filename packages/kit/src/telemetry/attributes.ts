// Names of the span attributes and metrics Arbor writes, in one place so the orchestrator, the model services,
// the tests and the README agree. OpenTelemetry semantic-convention names (gen_ai.*, messaging.*, rpc.*) where
// one exists, `arbor.*` for the rest. Kept as plain strings: the incubating semconv package is not meant to be
// a runtime dependency.

export const ATTR = {
  // The search tree, on the root `search` span.
  searchId: 'arbor.search_id',
  /** Who owns the search (never a credential). */
  tenant: 'arbor.tenant',
  algorithm: 'arbor.algorithm',
  task: 'arbor.task',
  treeNodes: 'arbor.tree.nodes',
  treeExpansions: 'arbor.tree.expansions',
  treeDepth: 'arbor.tree.depth',
  treeStopReason: 'arbor.tree.stop_reason',
  treeCostUsd: 'arbor.tree.cost_usd',
  treeCallsPrefix: 'arbor.tree.calls.',
  treeRetries: 'arbor.tree.retries',
  treeHedges: 'arbor.tree.hedges',
  treeSolved: 'arbor.tree.solved',

  // One model call.
  service: 'arbor.service',
  callId: 'arbor.call_id',
  attempts: 'arbor.attempts',
  costUsd: 'arbor.cost_usd',
  /** ok | discarded | aborted | error: see CALL_OUTCOME. */
  callOutcome: 'arbor.call.outcome',
  batchSize: 'arbor.batch_size',
  estimatedUsage: 'arbor.usage.estimated',

  genAiOperation: 'gen_ai.operation.name',
  genAiRequestModel: 'gen_ai.request.model',
  genAiResponseModel: 'gen_ai.response.model',
  genAiInputTokens: 'gen_ai.usage.input_tokens',
  genAiOutputTokens: 'gen_ai.usage.output_tokens',
  /** Of gen_ai.usage.input_tokens, those the model server served from its prefix cache (OpenTelemetry GenAI semconv). */
  genAiCacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  genAiTokenType: 'gen_ai.token.type',

  messagingSystem: 'messaging.system',
  messagingDestination: 'messaging.destination.name',
  messagingOperationType: 'messaging.operation.type',
  messagingOperationName: 'messaging.operation.name',
  messagingConsumerGroup: 'messaging.consumer.group.name',
  messagingBodySize: 'messaging.message.body.size',
  attempt: 'arbor.attempt',
  /** The replica a NATS request went to (its id), or that answered it. */
  replica: 'arbor.replica',
  /**
   * Replica affinity of a NATS request: `followed` when it went to the replica that served its longest known prefix,
   * `diverted` when that replica could not take it (busy, suspect, gone, or over its load bound).
   */
  replicaAffinity: 'arbor.replica.affinity',
  /** Why an attempt was sent: first | retry | hedge | resend (after a NATS reconnect). */
  attemptKind: 'arbor.attempt.kind',
  hedges: 'arbor.hedges',

  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  rpcGrpcStatusCode: 'rpc.grpc.status_code',
  errorType: 'error.type',

  // A model backend's HTTP request to its server (one span per request, retries included).
  httpRequestMethod: 'http.request.method',
  httpResponseStatusCode: 'http.response.status_code',
  httpRequestResendCount: 'http.request.resend_count',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  urlPath: 'url.path',
} as const;

/**
 * What became of a model call, on its span. Only `ok` replies count in the tree's totals: a reply that lands
 * after the search stopped waiting (a hard stop such as `solved` aborts calls in flight) is `discarded` — it was
 * paid for and its usage is on the span, but the search did not count it.
 */
export const CALL_OUTCOME = {
  ok: 'ok',
  discarded: 'discarded',
  aborted: 'aborted',
  error: 'error',
} as const;
export type CallOutcome = (typeof CALL_OUTCOME)[keyof typeof CALL_OUTCOME];

export const METRIC = {
  treeCost: 'arbor.tree.cost_usd',
  tokenUsage: 'gen_ai.client.token.usage',
  modelCallDuration: 'arbor.model_call.duration',
  searches: 'arbor.searches',
  /** Judge prompts (value and reward LLM judges, generative PRMs) answered with neither verdict, scored 0.5. */
  judgeUndecided: 'arbor.judge.undecided',
} as const;

/** Instrumentation scope of every Arbor span and metric. */
export const INSTRUMENTATION_SCOPE = 'arbor';
