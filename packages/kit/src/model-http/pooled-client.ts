// A model HTTP client over several servers (ServerPool): each request goes to the server its routing picks, by
// the prompt in its body; a server that stays unavailable through the client's own retries is avoided for a
// while and the request goes to the next one. Servers come from a list of base URLs, or from a DNS name that
// resolves to many addresses (a Kubernetes headless Service), looked up again periodically.
import { lookup } from 'node:dns/promises';
import type { z } from 'zod';
import { isArborError } from '../errors.js';
import { createModelHttpClient, MalformedReplyError, type ModelHttpClient, type ModelHttpOptions } from './client.js';
import { ServerPool, type PoolOptions } from './server-pool.js';

export interface PooledClientOptions extends Omit<ModelHttpOptions, 'baseUrl' | 'label'> {
  /** Base URLs, one per server. */
  baseUrls: string[];
  /** Names a server in error messages, from its base URL. */
  label: (baseUrl: string) => string;
  pool: PoolOptions;
  /** Look the first URL's host name up again this often (ms), one server per address; 0: use the URLs as given. */
  resolveEveryMs?: number;
  /** For tests: how a host name resolves. */
  resolve?: (hostname: string) => Promise<string[]>;
}

export interface PooledModelHttpClient extends ModelHttpClient {
  readonly pool: ServerPool<ModelHttpClient>;
  /** Looks the host name up again now (also done every resolveEveryMs). */
  refresh(): Promise<void>;
  /** Stops the periodic look-ups. */
  close(): void;
}

/** The text a request's prompt shares with its relatives: the completion prompt, or the chat messages. */
export function routingKey(body: unknown): string | undefined {
  const fields = body as { prompt?: unknown; messages?: unknown; input?: unknown };
  if (typeof fields?.prompt === 'string') return fields.prompt;
  if (Array.isArray(fields?.messages)) return JSON.stringify(fields.messages);
  if (typeof fields?.input === 'string') return fields.input;
  return undefined;
}

/** One address per server: IPv4 ones when there are any (a dual-stack pod resolves to both), else IPv6. */
async function resolveAll(hostname: string): Promise<string[]> {
  const addresses = await lookup(hostname, { all: true });
  const v4 = addresses.filter((a) => a.family === 4);
  return (v4.length > 0 ? v4 : addresses).map((a) => a.address);
}

/** The base URL with its host replaced by `address` (brackets for IPv6). */
function withAddress(baseUrl: string, address: string): string {
  const url = new URL(baseUrl);
  url.hostname = address.includes(':') ? `[${address}]` : address;
  return url.toString().replace(/\/+$/, '');
}

export function createPooledModelHttpClient(options: PooledClientOptions): PooledModelHttpClient {
  const { baseUrls, label, pool: poolOptions, resolveEveryMs = 0, resolve = resolveAll, ...single } = options;
  if (baseUrls.length === 0) throw new RangeError('give at least one base URL');
  const pool = new ServerPool<ModelHttpClient>(poolOptions, (baseUrl) => createModelHttpClient({ ...single, baseUrl, label: label(baseUrl) }), baseUrls);

  // One look-up at a time: a slow one must not overwrite a newer answer.
  let resolving: Promise<void> | undefined;
  async function lookUp(): Promise<void> {
    const template = baseUrls[0]!;
    const addresses = await resolve(new URL(template).hostname.replace(/^\[|\]$/g, ''));
    // A name that resolves to nothing for a moment keeps the servers it had.
    if (addresses.length > 0) pool.setServers([...new Set(addresses)].map((address) => withAddress(template, address)).sort());
  }
  function refresh(): Promise<void> {
    if (resolveEveryMs <= 0) return Promise.resolve();
    resolving ??= lookUp().finally(() => (resolving = undefined));
    return resolving;
  }
  let timer: NodeJS.Timeout | undefined;
  if (resolveEveryMs > 0) {
    void refresh().catch(() => undefined);
    timer = setInterval(() => void refresh().catch(() => undefined), resolveEveryMs);
    timer.unref();
  }

  async function postJson<T>(path: string, body: unknown, schema: z.ZodType<T>, signal: AbortSignal): Promise<T> {
    const prompt = routingKey(body);
    const tried = new Set<(typeof pool.servers)[number]>();
    for (;;) {
      const server = pool.choose(prompt, tried);
      const startedAt = Date.now();
      server.inFlight++;
      try {
        const reply = await server.client.postJson(path, body, schema, signal);
        pool.succeeded(server, startedAt);
        return reply;
      } catch (err) {
        // Unreachable or hung through every retry of its own: avoided for a while, and the next server tried. A
        // refusal of this request, a malformed reply (the server is up) or the caller giving up is not the
        // server being down.
        const down = isArborError(err) && (err.kind === 'unavailable' || err.kind === 'deadline_exceeded') && !(err instanceof MalformedReplyError) && !signal.aborted;
        if (!down) throw err;
        pool.failed(server);
        tried.add(server);
        // Servers dropped by a look-up meanwhile may be in `tried`: what counts is whether any listed one is left.
        if (pool.servers.every((s) => tried.has(s))) throw err;
      } finally {
        server.inFlight--;
      }
    }
  }

  return {
    baseUrl: baseUrls[0]!.replace(/\/+$/, ''),
    postJson,
    pool,
    refresh,
    close: () => clearInterval(timer),
  };
}
