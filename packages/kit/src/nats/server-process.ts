// A local nats-server process for `arbor up` and for tests on a machine with no NATS running: find out whether
// a server answers at a URL, and start (and restart, and stop) one of our own on a free loopback port.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect as connectTcp, createServer } from 'node:net';
import { UnavailableError } from '../errors.js';

/**
 * The INFO a NATS server sends every client on connecting, before any credential (and before TLS, unless the
 * server asks for TLS first); undefined when nothing at `url` speaks NATS within `timeoutMs`.
 */
export function natsServerInfo(url: string, timeoutMs = 1_000): Promise<{ jetstream?: boolean } | undefined> {
  const { hostname, port } = new URL(url.includes('://') ? url : `nats://${url}`);
  return new Promise((resolve) => {
    const socket = connectTcp({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 4222) });
    let received = '';
    const done = (info: { jetstream?: boolean } | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(info);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      const end = received.indexOf('\r\n');
      // A line that is not INFO (or none within 64 KiB) is some other protocol.
      if (end === -1 && received.length < 65_536) return;
      const line = received.slice(0, end);
      try {
        done(line.startsWith('INFO ') ? (JSON.parse(line.slice(5)) as { jetstream?: boolean }) : undefined);
      } catch {
        done(undefined);
      }
    });
    socket.once('error', () => done(undefined));
  });
}

/** True when something at `url` speaks NATS (sends an INFO line) within `timeoutMs`. */
export async function natsAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  return (await natsServerInfo(url, timeoutMs)) !== undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface NatsServerProcess {
  url: string;
  port: number;
  /** Stops the server (SIGTERM, then SIGKILL after a second). */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port, as an operator restarting NATS would. */
  restart(): Promise<void>;
}

export interface StartNatsOptions {
  /** The nats-server binary; default `nats-server` on PATH. */
  binary?: string;
  port?: number;
  /** How long to wait for the server to answer. */
  readyTimeoutMs?: number;
  /** Extra arguments, e.g. ['--max_payload', '2MB'], or ['--config', file]. */
  args?: string[];
  /** The server's environment, e.g. the passwords its configuration refers to as $VARIABLES. */
  env?: NodeJS.ProcessEnv;
}

async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new UnavailableError(`nats-server exited with code ${child.exitCode}: ${output().trim()}`);
    if (await natsAnswers(url, 200)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new UnavailableError(`nats-server did not answer at ${url} within ${timeoutMs} ms: ${output().trim()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 1_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts nats-server on 127.0.0.1 (a free port unless given) and waits until it answers. */
export async function startNatsServer(options: StartNatsOptions = {}): Promise<NatsServerProcess> {
  const binary = options.binary ?? 'nats-server';
  const port = options.port ?? (await freePort());
  const url = `nats://127.0.0.1:${port}`;
  const timeout = options.readyTimeoutMs ?? 10_000;
  let child: ChildProcess;
  let output = '';

  const launch = async () => {
    output = '';
    // Its own process group: a terminal's Ctrl-C goes to the supervisor, which stops NATS last, after the
    // services that use it have drained.
    child = spawn(binary, ['-a', '127.0.0.1', '-p', String(port), ...(options.args ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      ...(options.env && { env: options.env }),
    });
    child.stdout?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    child.stderr?.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-4_000)));
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new UnavailableError(
            err.code === 'ENOENT' ? `${binary} is not installed (Debian: apt-get install nats-server)` : `cannot start ${binary}: ${err.message}`,
          ),
        ),
      ),
    );
    await Promise.race([waitUntilAnswering(url, child, timeout, () => output), spawnError]);
  };

  await launch();
  return {
    url,
    port,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      await launch();
    },
  };
}

export interface LocalNats {
  url: string;
  /** True when we started the server (and stop() stops it). */
  started: boolean;
  stop(): Promise<void>;
}

/** NATS at `url` (default NATS_URL) when it answers, else a nats-server of our own on a free loopback port. */
export async function localNats(url = process.env.NATS_URL): Promise<LocalNats> {
  if (url && (await natsAnswers(url))) return { url, started: false, stop: async () => {} };
  const server = await startNatsServer();
  return { url: server.url, started: true, stop: () => server.stop() };
}
