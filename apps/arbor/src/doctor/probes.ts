// What `arbor doctor` asks of a model server besides the backends' own calls: GET /models (reachable, the model
// served), the judge's server detector (what kind of server it is), and an HTTP client that keeps the raw replies
// of the backend's calls (n served, logprob shape, cached-token reporting). Only counts, kinds and settings reach
// the table: never a prompt, a reply's text or a key.
import { z } from '@arbor/kit';
import { isArborError } from '@arbor/kit/errors';
import { describeServer, type ModelHttpClient } from '@arbor/kit/model-http';

export type Result = 'ok' | 'warn' | 'FAIL' | 'skip';
export type DoctorService = 'policy' | 'value' | 'reward';

export interface Row {
  service: DoctorService;
  check: string;
  result: Result;
  detail: string;
}

/** One request the backend made, with its raw JSON reply or the error it ended with. */
export interface Exchange {
  path: string;
  body: Record<string, unknown>;
  raw?: unknown;
  error?: unknown;
}

/** `inner`, keeping every request and its raw reply in `log`; the reply is validated by the caller's schema as before. */
export function recordingClient(inner: ModelHttpClient, log: Exchange[]): ModelHttpClient {
  return {
    baseUrl: inner.baseUrl,
    async postJson(path, body, schema, signal) {
      const exchange: Exchange = { path, body: (body ?? {}) as Record<string, unknown> };
      log.push(exchange);
      const tapped = z
        .unknown()
        .transform((raw) => {
          exchange.raw = raw;
          return raw;
        })
        .pipe(schema);
      try {
        return (await inner.postJson(path, body, tapped, signal)) as Awaited<ReturnType<typeof schema.parse>>;
      } catch (err) {
        exchange.error = err;
        throw err;
      }
    },
  };
}

export type ModelsAnswer =
  | { kind: 'ok'; ids: string[]; ms: number }
  | { kind: 'status'; status: number; ms: number }
  | { kind: 'unreachable'; why: string };

/** GET {base}/models, once, without retries: what the server says it serves. */
export async function listModels(baseUrl: string, apiKey: string | undefined, timeoutMs: number): Promise<ModelsAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { kind: 'unreachable', why: connectionProblem(err, timeoutMs) };
  }
  const text = await response.text().catch(() => '');
  const ms = Math.round(performance.now() - started);
  if (!response.ok) return { kind: 'status', status: response.status, ms };
  try {
    const data = (JSON.parse(text) as { data?: unknown }).data;
    const ids = Array.isArray(data) ? data.flatMap((m: unknown) => (typeof (m as { id?: unknown } | null)?.id === 'string' ? [(m as { id: string }).id] : [])) : [];
    return { kind: 'ok', ids, ms };
  } catch {
    return { kind: 'ok', ids: [], ms };
  }
}

function connectionProblem(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error ? err.message.slice(0, 120) : String(err).slice(0, 120);
}

/** Origin and path of a base URL (never its userinfo or query, which may hold a key). */
export function where(url: string): string {
  return describeServer(url) ?? 'the configured URL';
}

/** One line of an error for the table: its kind and message, shortened; never a stack. */
export function errorLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const kind = isArborError(err) ? `${err.kind}: ` : '';
  const line = `${kind}${message}`.replace(/\s+/g, ' ');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export function ms(started: number): number {
  return Math.round(performance.now() - started);
}
