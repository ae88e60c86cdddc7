// The HTTP client every real model backend talks to its server with: JSON over POST to an OpenAI-compatible
// server (or vLLM's /pooling), bounded retries with backoff, a timeout per attempt, errors that map to gRPC codes.
//
// Built on Node's fetch, not the `openai` package (checked at 6.49.0, the last line for Node 20), which fights
// us on four points: its client will not start without a credential (vLLM and llama.cpp need none; a dummy key
// would be sent as a header) and picks up OPENAI_* variables; its retry waits ignore the caller's AbortSignal
// and take whatever wait a server asks; it retries every 5xx and has no hook to count attempts; and it reads
// the body after its retry loop, so a connection closed mid-body is never retried. The loop below is smaller
// than the workarounds.
import { SpanKind, type Span } from '@opentelemetry/api';
import type { z } from 'zod';
import { abortError } from '../abort.js';
import {
  ArborError,
  DeadlineExceededError,
  FailedPreconditionError,
  ItemRejectedError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors.js';
import { signalDeadline } from '../signal-deadline.js';
import { sleep } from '../sleep.js';
import { ATTR } from '../telemetry/attributes.js';
import { arborTracer, recordSpanError } from '../telemetry/tracing.js';
import { describeIssue, requestTexts, serverMessage, truncate } from './messages.js';
import { backoffDelayMs, MAX_SERVER_WAIT_MS, RETRYABLE_STATUSES, serverAskedDelayMs } from './retry.js';

/**
 * A 200 whose body is not the reply asked for: UNAVAILABLE to callers like any server failure, but the server is
 * up and answering, so a pool of servers does not take it for one that is down.
 */
export class MalformedReplyError extends UnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedReplyError';
  }
}

export interface RetryInfo {
  /** The attempt that just failed (1 = the first). */
  attempt: number;
  /** Its HTTP status; undefined for a connection error or a timeout. */
  status?: number;
  /** Wait before the next attempt. */
  delayMs: number;
}

export interface ModelHttpOptions {
  /** e.g. "http://127.0.0.1:8000/v1"; paths are appended ("/completions"). */
  baseUrl: string;
  /** Sent as "Authorization: Bearer <key>" when non-empty; undefined or empty sends none. */
  apiKey?: string | undefined;
  /** Per attempt. */
  timeoutMs: number;
  /** Total attempts, first included (≥ 1). */
  maxAttempts: number;
  /** Names the server in error messages, e.g. "policy model server". */
  label: string;
  /** Called before each retry's wait, for logs and metrics. An exception it throws is ignored. */
  onRetry?: (info: RetryInfo) => void;
}

export interface ModelHttpClient {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** POSTs `body` as JSON to baseUrl+path and validates the JSON reply with `schema` (zod). */
  postJson<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal): Promise<T>;
}

/** How one attempt ended, short of a usable reply. */
type Failure =
  | { kind: 'status'; status: number; body: string; headers: Headers }
  | { kind: 'timeout' }
  | { kind: 'connection'; error: unknown };

type Outcome = { kind: 'ok'; status: number; body: string } | Failure;

/** The OS or socket message of a failed fetch, e.g. "connect ECONNREFUSED 127.0.0.1:8000", "other side closed". */
function connectionProblem(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message) return truncate(cause.message);
  if (error instanceof Error) return truncate(error.message);
  return truncate(String(error));
}

/**
 * Refusals one prompt of a request can cause: 400 (vLLM's answer to a prompt over the context length), 413 (a
 * body too large), 422 (a field the server cannot parse). A shared batch refused so is worth re-running caller by
 * caller (ItemRejectedError). Any other 4xx (404 for a wrong model name or path, 405, 415) refuses every request
 * alike.
 */
const ITEM_FAULT_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

function isRetryable(failure: Failure): boolean {
  return failure.kind !== 'status' || RETRYABLE_STATUSES.has(failure.status);
}

export function createModelHttpClient(options: ModelHttpOptions): ModelHttpClient {
  const { label, timeoutMs, maxAttempts } = options;
  let parsed: URL | undefined;
  try {
    parsed = new URL(options.baseUrl);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new FailedPreconditionError(`${label}: base URL "${options.baseUrl}" is not an http(s) URL`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new FailedPreconditionError(`${label}: maxAttempts must be an integer ≥ 1 (got ${maxAttempts})`);
  }
  if (!(timeoutMs > 0)) throw new FailedPreconditionError(`${label}: timeoutMs must be > 0 (got ${timeoutMs})`);

  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;

  /** One request, body read included, bounded by timeoutMs. Throws only when the caller's signal aborted. */
  async function attempt(url: string, payload: string, path: string, signal: AbortSignal): Promise<Outcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const response = await fetch(url, { method: 'POST', headers, body: payload, signal: controller.signal });
      // Read inside the attempt: the timeout covers a slow body, and a connection dropped mid-body is retried.
      const body = await response.text();
      if (response.ok) return { kind: 'ok', status: response.status, body };
      return { kind: 'status', status: response.status, body, headers: response.headers };
    } catch (error) {
      if (signal.aborted) throw abortError(signal, `${label}: request to ${path} cancelled by the caller`);
      if (timedOut) return { kind: 'timeout' };
      return { kind: 'connection', error };
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The error a failure stands for, after `attempts` attempts; `note` says why retrying stopped early. */
  function failureError(failure: Failure, path: string, attempts: number, texts: readonly string[], note = ''): ArborError {
    const tries = `${attempts} attempt${attempts === 1 ? '' : 's'}${note ? `; ${note}` : ''}`;
    if (failure.kind === 'timeout') {
      return new DeadlineExceededError(`${label} did not answer ${path} within ${timeoutMs} ms (${tries})`);
    }
    if (failure.kind === 'connection') {
      return new UnavailableError(`${label} is unreachable: ${path} failed: ${connectionProblem(failure.error)} (${tries})`, {
        cause: failure.error,
      });
    }
    const { status } = failure;
    const quoted = serverMessage(failure.body, texts);
    const said = quoted ? `: ${quoted}` : '';
    if (status === 401 || status === 403) {
      const why = options.apiKey ? 'did not accept the API key' : 'wants an API key (none is set)';
      return new UnauthenticatedError(`${label} ${why} for ${path} (HTTP ${status})${said}`);
    }
    if (status >= 400 && status < 500 && !RETRYABLE_STATUSES.has(status)) {
      const rejected = `${label} rejected the request to ${path} (HTTP ${status})${said}`;
      return ITEM_FAULT_STATUSES.has(status) ? new ItemRejectedError(rejected) : new FailedPreconditionError(rejected);
    }
    return new UnavailableError(`${label} is unavailable: ${path} answered HTTP ${status} (${tries})${said}`);
  }

  function parseReply<T>(body: string, path: string, schema: z.ZodType<T>): T {
    // Not retried: a server that answers 200 with the wrong shape will do it again.
    const malformed = `${label} returned a malformed reply to ${path}`;
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      const why = body.trim() === '' ? 'an empty body' : `not JSON (${truncate(err instanceof Error ? err.message : String(err))})`;
      throw new MalformedReplyError(`${malformed}: ${why}`, { cause: err });
    }
    const result = schema.safeParse(json);
    if (!result.success) throw new MalformedReplyError(`${malformed}: ${describeIssue(result.error)}`, { cause: result.error });
    return result.data;
  }

  /**
   * One CLIENT span per postJson, retries included, with the HTTP semantic-convention attributes. Never the body:
   * it holds the prompt. Only origin parts and the path: a query string or userinfo may hold a key.
   */
  function startSpan(path: string, url: URL): Span {
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
    return arborTracer().startSpan(`POST ${path}`, {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.httpRequestMethod]: 'POST',
        [ATTR.serverAddress]: url.hostname.replace(/^\[|\]$/g, ''),
        [ATTR.serverPort]: port,
        [ATTR.urlPath]: url.pathname,
      },
    });
  }

  async function postJson<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
    const route = path.startsWith('/') ? path : `/${path}`;
    const url = `${baseUrl}${route}`;
    // Messages and the span name show the path without its query: a query string may hold a key.
    const shown = route.split('?')[0] as string;
    const span = startSpan(shown, new URL(url));
    let attempts = 0;
    let status: number | undefined;
    try {
      const payload = JSON.stringify(body);
      for (let n = 1; ; n++) {
        if (signal.aborted) throw abortError(signal, `${label}: request to ${shown} cancelled by the caller`);
        attempts = n;
        const outcome = await attempt(url, payload, shown, signal);
        status = outcome.kind === 'ok' || outcome.kind === 'status' ? outcome.status : undefined;
        if (outcome.kind === 'ok') return parseReply(outcome.body, shown, schema);
        if (!isRetryable(outcome) || n >= maxAttempts) throw failureError(outcome, shown, n, requestTexts(body));

        const asked = outcome.kind === 'status' ? serverAskedDelayMs(outcome.headers) : undefined;
        if (asked !== undefined && asked > MAX_SERVER_WAIT_MS) {
          // A server that wants us gone for longer is down for this call; say so now rather than retry into it.
          const seconds = Math.ceil(asked / 1000);
          throw failureError(outcome, shown, n, requestTexts(body), `not retried: the server asked to wait ${seconds} s, more than the ${MAX_SERVER_WAIT_MS / 1000} s we wait`);
        }
        const delayMs = asked ?? backoffDelayMs(n);
        const deadline = signalDeadline(signal);
        if (deadline !== undefined && Date.now() + delayMs >= deadline) {
          throw failureError(outcome, shown, n, requestTexts(body), `not retried: the ${delayMs} ms wait would outlast the call's deadline`);
        }
        try {
          options.onRetry?.(outcome.kind === 'status' ? { attempt: n, status: outcome.status, delayMs } : { attempt: n, delayMs });
        } catch {
          // A logging hook must not turn a retry into a failure.
        }
        try {
          await sleep(delayMs, signal);
        } catch {
          throw abortError(signal, `${label}: request to ${shown} cancelled by the caller`);
        }
      }
    } catch (err) {
      recordSpanError(span, err);
      throw err;
    } finally {
      if (status !== undefined) span.setAttribute(ATTR.httpResponseStatusCode, status);
      if (attempts > 1) span.setAttribute(ATTR.httpRequestResendCount, attempts - 1);
      span.end();
    }
  }

  return { baseUrl, postJson };
}
