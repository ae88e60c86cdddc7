// A model HTTP client over several servers (ServerPool): each request goes to the server its routing picks, by
// the prompt in its body; a server that stays unavailable through the client's own retries is avoided for a
// while and the request goes to the next one. Servers come from a list of base URLs, or from a DNS name that
// resolves to many addresses (a Kubernetes headless Service), looked up again periodically.
import { lookup } from 'node:dns/promises';
import type { z } from 'zod';
import { isArborError } from '../errors.js';
import { createModelHttpClient, type ModelHttpClient, type ModelHttpOptions } from './client.js';
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

async function resolveAll(hostname: string): Promise<string[]> {
  return (await lookup(hostname, { all: true })).map((a) => a.address);
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

  async function refresh(): Promise<void> {
    if (resolveEveryMs <= 0) return;
    const template = baseUrls[0]!;
    const addresses = await resolve(new URL(template).hostname.replace(/^\[|\]$/g, ''));
    // A name that resolves to nothing for a moment keeps the servers it had.
    if (addresses.length > 0) pool.setServers(addresses.map((address) => withAddress(template, address)).sort());
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
      server.inFlight++;
      try {
        const reply = await server.client.postJson(path, body, schema, signal);
        pool.succeeded(server);
        return reply;
      } catch (err) {
        // Unreachable through every retry of its own: avoided for a while, and the next server tried. Any other
        // error (a refusal of this request, a timeout of the caller's) is the request's, not the server's.
        const down = isArborError(err) && err.kind === 'unavailable' && !signal.aborted;
        if (!down) throw err;
        pool.failed(server);
        tried.add(server);
        if (tried.size >= pool.servers.length) throw err;
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
