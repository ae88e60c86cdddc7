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
// The shipped configurations (compose, Kubernetes) are this function's output, and a test holds them to it;
// `arbor up` writes it for the nats-server it starts. Stacks that share a server (ARBOR_NATS_NAMESPACE) share one
// block: each namespace has users of its own (`staging.policy`) with passwords of its own.
import { randomBytes } from 'node:crypto';
import { discoverySubject, natsRoute, orchestratorInboxPrefix, replicaSubject, type NatsOperation } from '@arbor/contracts';

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

export function natsPermissions(user: NatsUser, namespace = ''): NatsPermissions {
  if (user === 'orchestrator') {
    const subjects = (['propose', 'evaluate', 'score'] as const).map((operation) => natsRoute(operation, namespace).subject);
    return {
      // A request subject, and below it the replica and discovery subjects the orchestrator routes to.
      publish: { allow: subjects.flatMap((subject) => [subject, `${subject}.>`]) },
      subscribe: { allow: [`${orchestratorInboxPrefix(namespace)}.>`] },
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

const quoted = (values: readonly string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

function userBlock(user: NatsUser, namespace: string): string {
  const permissions = natsPermissions(user, namespace);
  const publish = permissions.publish.allow ? `allow: ${quoted(permissions.publish.allow)}` : `deny: ${quoted(permissions.publish.deny ?? [])}`;
  return [
    `    {`,
    `      user: ${JSON.stringify(natsUserName(user, namespace))}`,
    `      password: $${natsPasswordVariable(user, namespace)}`,
    `      permissions: {`,
    `        publish: { ${publish} }`,
    `        subscribe: { allow: ${quoted(permissions.subscribe.allow)} }`,
    ...(permissions.allowResponses ? [`        allow_responses: { max: 1, expires: "${REPLY_WINDOW}" }`] : []),
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
