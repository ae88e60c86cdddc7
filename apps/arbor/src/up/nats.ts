// NATS for `arbor up`: use the server at the URL when one answers, else start a local nats-server of our own,
// with one user per service and the shipped permissions, so that even on a laptop no other local process can
// answer a model call. Our own server runs JetStream, for the orchestrator's durable jobs; a server that was
// already running is asked whether it does.
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { env as settingsOf, natsServerInfo, readConfig, startNatsServer, type NatsServerProcess } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';
import { natsAuthorization, natsPasswordVariable, natsUserName, newNatsPasswords, NATS_USERS, type NatsUser } from '../nats-config/authorization.js';

export interface StackNats {
  /** The URL every replica is given. */
  url: string;
  /** Set only when `arbor up` started the server, so only then does it stop it. */
  started?: NatsServerProcess;
  /** Set when `arbor up` started the server: each service's password, and the namespace its users belong to. */
  passwords?: Record<NatsUser, string>;
  namespace?: string;
  /** Whether the server runs JetStream, which the orchestrator's durable jobs (ARBOR_JOBS) need. */
  jetstream: boolean;
  /** Set when `arbor up` started the server: where JetStream keeps its files, removed when it stops. */
  storeDir?: string;
}

/** Settings that name another way to authenticate; a replica of our own server must not inherit them. */
const OTHER_NATS_AUTH = ['NATS_TOKEN', 'NATS_NKEY', 'NATS_CREDS', 'NATS_CA', 'NATS_CERT', 'NATS_KEY'] as const;

/** The NATS settings a replica of `service` gets: its own user on a server we started, else what the user set. */
export function natsEnvFor(nats: StackNats, service: NatsUser): Record<string, string> {
  if (!nats.passwords) return {};
  return {
    NATS_USER: natsUserName(service, nats.namespace),
    NATS_PASSWORD: nats.passwords[service],
    ...Object.fromEntries(OTHER_NATS_AUTH.map((name) => [name, ''])),
  };
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
  const infos = await Promise.all(servers.map((server) => natsServerInfo(server.href)));
  const running = infos.find((info) => info !== undefined);
  // The INFO flag says the server runs JetStream; whether this stack's account has it is the server's account
  // configuration, which the orchestrator finds out when it connects.
  if (running) return { url, jetstream: running.jetstream === true };

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
  // The configuration holds no secret: the passwords are $VARIABLES filled from the server's environment.
  const dir = mkdtempSync(join(tmpdir(), 'arbor-up-nats-'));
  const config = join(dir, 'nats.conf');
  // The namespace the replicas will read (from the environment or ARBOR_CONFIG_FILE, as they do).
  const { ARBOR_NATS_NAMESPACE: namespace } = readConfig({ ARBOR_NATS_NAMESPACE: settingsOf.natsNamespace() }, env);
  writeFileSync(config, natsAuthorization([namespace]), { mode: 0o600 });
  const passwords = newNatsPasswords();
  const serverEnv = {
    PATH: env.PATH ?? '',
    ...Object.fromEntries(NATS_USERS.map((user) => [natsPasswordVariable(user, namespace), passwords[user]])),
  };
  // JetStream in the same temporary folder: the jobs of a laptop's stack last as long as the stack.
  const storeDir = join(dir, 'jetstream');
  let started: NatsServerProcess;
  try {
    started = await startNatsServer({ binary, args: ['--config', config, '--jetstream', '--store_dir', storeDir], env: serverEnv, ...(port !== undefined && { port }) });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // The configuration and the store stay while the server may restart from them.
  const stop = async () => {
    await started.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: started.url, started: { ...started, stop }, passwords, namespace, jetstream: true, storeDir };
}
