// NATS for `arbor up`: use the server at the URL when one answers, else start a local nats-server of our own.
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { natsAnswers, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';

export interface StackNats {
  /** The URL every replica is given. */
  url: string;
  /** Set only when `arbor up` started the server, so only then does it stop it. */
  started?: NatsServerProcess;
}

/** Splits a NATS URL list ("nats://a:4222,nats://b:4222") into URLs, or returns the first part it cannot read. */
export function natsServers(url: string): { servers: URL[]; bad?: string } {
  const servers: URL[] = [];
  for (const part of url.split(',').map((s) => s.trim())) {
    try {
      const parsed = new URL(part.includes('://') ? part : `nats://${part}`);
      if (parsed.hostname === '') return { servers, bad: part };
      servers.push(parsed);
    } catch {
      return { servers, bad: part };
    }
  }
  return { servers };
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * Debian installs nats-server in /usr/sbin, which is not on an ordinary user's PATH; looking there too keeps
 * `arbor up` working for users who installed it the documented way.
 */
export const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin'];

export function findNatsServer(env: Record<string, string | undefined>, extraDirs = SBIN_DIRS): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

/** `extraDirs`: where to look for nats-server besides PATH (tests pass none to see the not-installed path). */
export async function ensureNats(url: string, env: Record<string, string | undefined>, extraDirs = SBIN_DIRS): Promise<StackNats> {
  const { servers } = natsServers(url);
  const answers = await Promise.all(servers.map((server) => natsAnswers(server.href)));
  if (answers.some(Boolean)) return { url };

  const binary = findNatsServer(env, extraDirs);
  if (!binary) {
    throw new UnavailableError(
      `no NATS server answers at ${url} and nats-server is not installed; install it (apt-get install nats-server) ` +
        'or point NATS_URL (or --nats-url) at a running server',
    );
  }
  // Reuse the URL's port when it is ours to take, so clients configured with that URL find this server too.
  const first = servers[0];
  const wanted = first ? Number(first.port || 4222) : undefined;
  const port = first && wanted !== undefined && isLoopback(first.hostname) && (await portIsFree(wanted)) ? wanted : undefined;
  const started = await startNatsServer({ binary, ...(port !== undefined && { port }) });
  return { url: started.url, started };
}
