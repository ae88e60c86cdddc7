// The NATS side of the contracts: one subject and one queue group per model RPC, and the headers
// a request and its reply carry. Payloads are the same protobuf bytes as over gRPC.

export const NATS_SUBJECTS = {
  propose: 'arbor.v1.policy.propose',
  evaluate: 'arbor.v1.value.evaluate',
  score: 'arbor.v1.reward.score',
} as const;

/** Replicas of one service share a queue group, so each request reaches exactly one of them. */
export const NATS_QUEUE_GROUPS = {
  propose: 'arbor.v1.policy',
  evaluate: 'arbor.v1.value',
  score: 'arbor.v1.reward',
} as const;

export type NatsOperation = keyof typeof NATS_SUBJECTS;

/**
 * Subject and queue group of an operation. A namespace (e.g. "staging" or a test's random id) prefixes both,
 * so several Arbor stacks can share one NATS server without answering each other's calls.
 */
export function natsRoute(operation: NatsOperation, namespace = ''): { subject: string; queue: string } {
  const prefix = namespace ? `${namespace}.` : '';
  return { subject: prefix + NATS_SUBJECTS[operation], queue: prefix + NATS_QUEUE_GROUPS[operation] };
}

/**
 * The subject one replica of a service also answers on, besides the queue group's: the orchestrator routes a call
 * to a chosen replica (the least loaded one that answers, never one that has stopped answering) and falls back to
 * the queue group when it knows none.
 */
export function replicaSubject(subject: string, replicaId: string): string {
  return `${subject}.replica.${replicaId}`;
}

/**
 * The prefix of the orchestrator's reply subjects (its inboxes). Replies carry model results, so NATS permissions
 * let only the orchestrator subscribe here; the model services reply through `allow_responses` alone.
 */
export function orchestratorInboxPrefix(namespace = ''): string {
  return namespace ? `_INBOX.${namespace}.orchestrator` : '_INBOX.orchestrator';
}

/** Every replica of a service answers a request here (no queue group) with its id and capacity in headers. */
export function discoverySubject(subject: string): string {
  return `${subject}.discover`;
}

/** A replica id: one NATS token. */
export const REPLICA_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** A namespace is one or more NATS tokens: letters, digits, - and _, separated by dots. */
export const NATS_NAMESPACE_PATTERN = /^([A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*)?$/;

export const NATS_HEADERS = {
  /** W3C trace context. */
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  /** Absolute deadline, epoch milliseconds; a responder drops a request already past it. */
  deadline: 'arbor-deadline',
  /** Idempotency key; retries carry the same id and the reply echoes it. */
  callId: 'arbor-call-id',
  /** On an error reply: the gRPC status code name, e.g. INVALID_ARGUMENT. */
  status: 'arbor-status',
  /** On an error reply: the message for the caller. */
  message: 'arbor-message',
  /**
   * On a RESOURCE_EXHAUSTED reply: the replica was at its in-flight cap ("CALLS/CAP"). Nothing failed; the caller
   * waits and sends the call again, and keeps fewer calls in flight.
   */
  busy: 'arbor-busy',
  /** On every reply and discovery answer: the id of the replica that answered. */
  replica: 'arbor-replica',
  /** On a discovery answer: calls the replica takes at once (its in-flight cap). */
  capacity: 'arbor-capacity',
  /** On a discovery answer: calls the replica has in flight now. */
  inFlight: 'arbor-in-flight',
} as const;

/** The app-level cap on one model message, below NATS's default 1 MiB max_payload. */
export const MAX_MODEL_MESSAGE_BYTES = 256 * 1024;
