// NATS connections as model traffic needs them: named, authenticated and encrypted as configured, trying until
// they connect and reconnecting forever, with connection state turned into a plain "connected?" callback for
// health checks. A failure to connect (refused credentials, a TLS handshake that fails, nobody listening) is
// logged once with its reason each time the reason changes, not at every attempt, and never silently retried.
import { connect, errors, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { abortError } from '../abort.js';
import { sleep } from '../sleep.js';
import type { Logger } from '../logger.js';

export interface NatsConnectOptions {
  /** One URL or a comma-separated list, e.g. nats://127.0.0.1:4222. */
  url: string;
  /** Authentication and TLS (see natsClientFrom). */
  options?: Partial<NodeConnectionOptions>;
  /** Shown by the server (`nats server report connections`), e.g. "arbor-reward". */
  name: string;
  logger: Logger;
  /** Prefix of this connection's reply subjects, so that NATS permissions can give them to it alone. */
  inboxPrefix?: string;
  /** Called with false on disconnect and true on (re)connect. */
  onConnectedChange?: (connected: boolean) => void;
  /** Called when the server refuses a subscription (its permissions): the subscription is gone for good. */
  onSubscriptionRefused?: (subject: string) => void;
  /** Stops the attempts to connect. */
  signal?: AbortSignal;
}

/** Why a connection failed, in words fit for a log line (no credential is ever in them). */
export interface NatsFailure {
  kind: 'authentication' | 'permissions' | 'tls' | 'unreachable' | 'other';
  reason: string;
}

const TLS_ERROR = /tls|ssl|certificate|self[- ]signed|handshake|CERT_|UNABLE_TO_/i;

export function natsFailureOf(err: unknown): NatsFailure {
  const reason = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown; cause?: { code?: unknown } }).cause?.code ?? (err as { code?: unknown }).code;
  if (err instanceof errors.AuthorizationError || err instanceof errors.UserAuthenticationExpiredError) return { kind: 'authentication', reason };
  if (err instanceof errors.PermissionViolationError) return { kind: 'permissions', reason };
  const cause = (err as { cause?: unknown }).cause;
  const causeMessage = cause instanceof Error ? cause.message : '';
  if (TLS_ERROR.test(reason) || TLS_ERROR.test(causeMessage) || (typeof code === 'string' && TLS_ERROR.test(code))) {
    return { kind: 'tls', reason: causeMessage && !reason.includes(causeMessage) ? `${reason}: ${causeMessage}` : reason };
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ECONNREFUSED|connection refused|ENOTFOUND/i.test(reason)) {
    return { kind: 'unreachable', reason };
  }
  return { kind: 'other', reason };
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5_000;

/** Connects, retrying until it does (or `signal` aborts); then reconnects on its own for as long as it lives. */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const { logger, name } = options;
  const servers = options.url.split(',').map((s) => s.trim()).filter(Boolean);
  let lastFailure = '';
  let delay = FIRST_RETRY_MS;
  for (;;) {
    try {
      const nc = await connect({
        ...options.options,
        servers,
        name,
        ...(options.inboxPrefix && { inboxPrefix: options.inboxPrefix }),
        // The nats.js defaults (about 20 s of reconnect attempts) would leave a service dead after a longer NATS
        // outage; a model service should come back whenever NATS does.
        maxReconnectAttempts: -1,
        reconnectTimeWait: 500,
        reconnectJitter: 250,
        pingInterval: 10_000,
        maxPingOut: 3,
        // nats.js gives up after the same authentication error twice; credentials rotated in a Secret, or a
        // server whose users are being reloaded, can make the next attempt succeed.
        ignoreAuthErrorAbort: true,
      });
      if (options.signal?.aborted) {
        await nc.close();
        throw abortError(options.signal, 'NATS connection attempts stopped');
      }
      logger.info({ server: nc.getServer(), connection: name, ...(lastFailure && { after: 'failures' }) }, 'connected to NATS');
      options.onConnectedChange?.(true);
      watchStatus(nc, options);
      return nc;
    } catch (err) {
      if (options.signal?.aborted) throw abortError(options.signal, 'NATS connection attempts stopped');
      const failure = natsFailureOf(err);
      const key = `${failure.kind}:${failure.reason}`;
      if (key !== lastFailure) {
        logger.error({ connection: name, servers, failure: failure.kind, reason: failure.reason }, 'cannot connect to NATS; retrying');
        lastFailure = key;
      }
      await sleep(delay + Math.random() * delay, options.signal).catch(() => {
        throw abortError(options.signal!, 'NATS connection attempts stopped');
      });
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }
}

/** Logs the connection's changes of state, each problem once until the connection is back. */
function watchStatus(nc: NatsConnection, options: NatsConnectOptions): void {
  const { logger, name } = options;
  let lastProblem = '';
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        logger.warn({ connection: name }, 'disconnected from NATS; reconnecting');
        options.onConnectedChange?.(false);
      } else if (status.type === 'reconnect') {
        lastProblem = '';
        logger.info({ server: nc.getServer(), connection: name }, 'reconnected to NATS');
        options.onConnectedChange?.(true);
      } else if (status.type === 'error') {
        const failure = natsFailureOf(status.error);
        const refused = status.error instanceof errors.PermissionViolationError ? status.error : undefined;
        if (refused?.operation === 'subscription') options.onSubscriptionRefused?.(refused.subject);
        // A refused reply names its reply subject, new for every call: one line per operation, not per call.
        const key = refused ? `permissions:${refused.operation}:${refused.operation === 'subscription' ? refused.subject : ''}` : `${failure.kind}:${failure.reason}`;
        if (key === lastProblem) continue;
        lastProblem = key;
        logger.error({ connection: name, failure: failure.kind, reason: failure.reason }, 'NATS error');
      }
    }
  })();
}

export type { NatsConnection };
