// The NATS users of an Arbor stack and what each may do, written as a nats-server `authorization` block. One user
// per service, least privilege: a model replica subscribes only to its own service's subjects (the request
// subject only in its queue group) and publishes nothing but replies; the orchestrator publishes only to the
// three request subjects and reads only its own inboxes. Anyone else is refused at connect, so no client on the
// network can answer a model call (forge a reward) or read the problems in the calls.
//
// A model user may also subscribe to its service's replica and discovery subjects (plain, not in the queue
// group): the orchestrator routes calls to the replica with the most room, which it learns through discovery. So
// the holder of a service's password can pose as a replica of that service (a password per replica would need an
// identity per pod); it still cannot touch another service's subjects, read the orchestrator's replies, or send
// a call.
//
// With durable jobs (ARBOR_JOBS=on) the orchestrator also owns its namespace's JetStream streams, consumers and
// buckets (packages/contracts/src/jobs.ts), and nothing of another namespace's: see orchestratorJetStream. The
// model users get none of it, so a stolen model credential can neither read the queued problems and results nor
// call the JetStream API.
//
// The shipped configurations (compose, Kubernetes) are this function's output, and a test holds them to it;
// `arbor up` writes it for the nats-server it starts. Stacks that share a server (ARBOR_NATS_NAMESPACE) share one
// block: each namespace has users of its own (`staging.policy`) with passwords of its own.
import { randomBytes } from 'node:crypto';
import { discoverySubject, jetStreamNames, jobSubjects, natsRoute, orchestratorInboxPrefix, replicaSubject, type NatsOperation } from '@arbor/contracts';

export const NATS_USERS = ['orchestrator', 'policy', 'value', 'reward'] as const;
export type NatsUser = (typeof NATS_USERS)[number];

const OPERATION_OF: Record<Exclude<NatsUser, 'orchestrator'>, NatsOperation> = { policy: 'propose', value: 'evaluate', reward: 'score' };

/** The user a service of a namespace logs in as: its name, prefixed by the namespace when there is one. */
export function natsUserName(user: NatsUser, namespace = ''): string {
  return namespace ? `${namespace}.${user}` : user;
}

/** The environment variable that holds a user's password, in nats-server's configuration and in the Secret. */
export function natsPasswordVariable(user: NatsUser, namespace = ''): string {
  const prefix = namespace ? `${namespace.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_` : '';
  return `ARBOR_NATS_${prefix}${user.toUpperCase()}_PASSWORD`;
}

/**
 * How long a model replica may take to reply. nats-server's default for `allow_responses` is 2 minutes, shorter
 * than the longest call Arbor allows (ARBOR_<SERVICE>_MAX_CALL_MS, at most an hour): a slower reply would be
 * refused as a permissions violation.
 */
export const REPLY_WINDOW = '1h';

export interface NatsPermissions {
  publish: { allow?: string[]; deny?: string[] };
  subscribe: { allow: string[] };
  /** Replies to the requests it received, and nothing else. */
  allowResponses: boolean;
}

/**
 * What the orchestrator does on JetStream, as the subjects nats.js (v3) sends it on, for its namespace's names
 * only: a request to `$JS.API.<operation>.<stream>...` is refused for any other stream. Everything it receives
 * (API replies, fetched work, ordered consumers' messages) comes to its inboxes, which it already reads. Each
 * line is something the orchestrator does; a new use of JetStream needs a new line here, or the server refuses it.
 */
function orchestratorJetStream(namespace: string): { publish: string[]; subscribe: string[] } {
  const names = jetStreamNames(namespace);
  const subjects = jobSubjects(namespace);
  const { workStream: work, resultsStream: results } = names;
  // A KV bucket and an object store are streams with these names.
  const jobs = `KV_${names.jobsBucket}`;
  const trees = `OBJ_${names.treesBucket}`;
  const api = '$JS.API';
  // Core subjects between replicas, every job subject but the two streams': a broadcast (cancel a job), or a
  // request every replica hears and the one concerned answers, or each answers (list searches), to the asker's
  // inbox (below). The subject alone or with more tokens under it.
  const { work: _work, results: _results, ...between } = subjects;
  const replicas = Object.values(between).flatMap((subject) => [subject, `${subject}.>`]);
  return {
    publish: [
      // Account limits and the API level: every jetstreamManager(), Kvm and Objm asks at start.
      `${api}.INFO`,
      ...[work, results, jobs, trees].flatMap((stream) => [
        // Create or bring to the current settings, look up, purge (a cancelled job's work, a replaced tree's
        // chunks). No DELETE: dropping the queue or the results is an operator's decision, never a replica's.
        ...['CREATE', 'UPDATE', 'INFO', 'PURGE'].map((operation) => `${api}.STREAM.${operation}.${stream}`),
        // One message by subject or sequence: a result by its subject, a KV entry, an object's description.
        `${api}.STREAM.MSG.GET.${stream}`,
        `${api}.DIRECT.GET.${stream}`,
        `${api}.DIRECT.GET.${stream}.>`,
        // Its consumers: CREATE (with its name and filter as tokens, or without, for several filters), INFO,
        // DELETE; the ordered consumers that read results, KV keys and objects are ephemeral ones made this way.
        `${api}.CONSUMER.*.${stream}`,
        `${api}.CONSUMER.*.${stream}.>`,
      ]),
      // The shared durable consumer, as nats.js names the request when it has several filter subjects.
      `${api}.CONSUMER.DURABLE.CREATE.${work}.${names.workConsumer}`,
      // Pull requests: fetch from the work queue, ordered reads of results.
      `${api}.CONSUMER.MSG.NEXT.${work}.>`,
      `${api}.CONSUMER.MSG.NEXT.${results}.>`,
      // ack, nak, working, term: publishes to the message's reply subject, $JS.ACK.<stream>.<consumer>...
      `$JS.ACK.${work}.>`,
      // KV keys and object reads are push consumers with flow control: the client answers on $JS.FC.<stream>...
      `$JS.FC.${jobs}.>`,
      `$JS.FC.${trees}.>`,
      // What the streams store: KV puts, object chunks and descriptions, work and results.
      `$KV.${names.jobsBucket}.>`,
      `$O.${names.treesBucket}.>`,
      `${subjects.work}.>`,
      `${subjects.results}.>`,
      ...replicas,
      // Answers to another replica's request go to its inbox; only orchestrators of this namespace read there.
      `${orchestratorInboxPrefix(namespace)}.>`,
    ],
    subscribe: replicas,
  };
}

export function natsPermissions(user: NatsUser, namespace = ''): NatsPermissions {
  if (user === 'orchestrator') {
    const subjects = (['propose', 'evaluate', 'score'] as const).map((operation) => natsRoute(operation, namespace).subject);
    const jetStream = orchestratorJetStream(namespace);
    return {
      // A request subject, and below it the replica and discovery subjects the orchestrator routes to.
      publish: { allow: [...subjects.flatMap((subject) => [subject, `${subject}.>`]), ...jetStream.publish] },
      subscribe: { allow: [`${orchestratorInboxPrefix(namespace)}.>`, ...jetStream.subscribe] },
      allowResponses: false,
    };
  }
  const { subject, queue } = natsRoute(OPERATION_OF[user], namespace);
  return {
    publish: { deny: ['>'] },
    // "subject queue": this subject only as a member of the service's queue group, so a plain subscriber with
    // these credentials cannot read every call.
    subscribe: { allow: [`${subject} ${queue}`, replicaSubject(subject, '*'), discoverySubject(subject)] },
    allowResponses: true,
  };
}

/**
 * `publish: { allow: [...] }` on one line when the list is short, else a subject a line, so that a change to the
 * orchestrator's long lists reads as a line in a diff.
 */
function rule(name: string, key: string, values: readonly string[]): string[] {
  const items = values.map((v) => JSON.stringify(v));
  if (items.length <= 3) return [`        ${name}: { ${key}: [${items.join(', ')}] }`];
  return [`        ${name}: {`, `          ${key}: [`, ...items.map((item) => `            ${item}`), `          ]`, `        }`];
}

function userBlock(user: NatsUser, namespace: string): string {
  const { publish, subscribe, allowResponses } = natsPermissions(user, namespace);
  return [
    `    {`,
    `      user: ${JSON.stringify(natsUserName(user, namespace))}`,
    `      password: $${natsPasswordVariable(user, namespace)}`,
    `      permissions: {`,
    ...(publish.allow ? rule('publish', 'allow', publish.allow) : rule('publish', 'deny', publish.deny ?? [])),
    ...rule('subscribe', 'allow', subscribe.allow),
    ...(allowResponses ? [`        allow_responses: { max: 1, expires: "${REPLY_WINDOW}" }`] : []),
    `      }`,
    `    }`,
  ].join('\n');
}

/**
 * The `authorization` block for the stacks of these namespaces (ARBOR_NATS_NAMESPACE; '' for none). Passwords are
 * variable references that nats-server fills from its environment, so the file holds no secret and a server
 * started without them refuses to start.
 */
export function natsAuthorization(namespaces: readonly string[] = ['']): string {
  const title = namespaces.map((ns) => (ns ? `namespace "${ns}"` : 'no namespace')).join(', ');
  return [
    `# Arbor's NATS users (${title}), one per service. Generated by \`arbor nats authorization\`; do not edit, the`,
    `# tests compare this file with the generator. Passwords come from the server's environment.`,
    `authorization {`,
    `  users = [`,
    ...namespaces.flatMap((namespace) => NATS_USERS.map((user) => userBlock(user, namespace))),
    `  ]`,
    `}`,
    ``,
  ].join('\n');
}

/**
 * A random password for each user. It starts with letters because nats-server parses a variable's value as a
 * configuration value: one that looks like a number would be read as a number.
 */
export function newNatsPasswords(): Record<NatsUser, string> {
  return Object.fromEntries(NATS_USERS.map((user) => [user, `arbor${randomBytes(24).toString('base64url')}`])) as Record<NatsUser, string>;
}

/** What a password may look like: see newNatsPasswords. */
export const NATS_PASSWORD_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{15,}$/;
