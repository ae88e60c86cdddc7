// Arbor services as real processes (the fault benchmark, and tests that run the binary as a user would): `arbor
// serve ...` children whose readiness is read from their logs, that can be signalled (SIGSTOP, SIGKILL) like a
// replica in a cluster, and that are always stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from '@arbor/kit';
import { arborEntry } from './arbor-entry.js';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The gRPC address it bound; for a process serving the gateway alone, the gateway's. */
  readonly address: string;
  /** The gateway's HTTP address, when it serves one (`gateway`, `all`). */
  readonly gatewayAddress?: string;
  /** The last 64 KB of its log (JSON lines on stderr). */
  log(): string;
  /** Resolves with its exit code once it has exited. */
  readonly exited: Promise<number | null>;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM (after SIGCONT, should it be stopped), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /"address":"([^"]+)"[^\n]*"msg":"gRPC server listening"/;
const GATEWAY_LISTENING = /"address":"([^"]+)"[^\n]*"msg":"gateway listening"/;
const LOG_KEPT = 64 * 1024;

export interface StartOptions {
  /** Wait until it also takes requests from NATS (a model service with NATS_URL). */
  servesNats?: boolean;
  /** The script to run (default: this arbor, from its sources or its bundle). */
  entry?: string;
  timeoutMs?: number;
}

/**
 * Starts `arbor serve <args> --listen 127.0.0.1:0` (with `all`, also `--gateway-listen 127.0.0.1:0`, so that
 * processes running side by side never share a port) and resolves once it listens (and, with `servesNats`,
 * takes requests from NATS). Rejects with the child's log when it exits or is not ready within the time allowed.
 */
export async function startArbor(name: string, args: string[], env: Record<string, string | undefined>, options: StartOptions = {}): Promise<ServiceProcess> {
  const { servesNats = false, timeoutMs = 30_000 } = options;
  const firstFlag = args.findIndex((a) => a.startsWith('-'));
  const services = firstFlag === -1 ? args : args.slice(0, firstFlag);
  const wantsGrpc = services.some((s) => s !== 'gateway');
  const wantsGateway = services.includes('gateway') || services.includes('all');
  const gatewayListen = services.includes('all') ? ['--gateway-listen', '127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [options.entry ?? arborEntry(), 'serve', ...args, '--listen', '127.0.0.1:0', ...gatewayListen, '--log-level', 'info'], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // A long run must not keep every log line in memory.
    log = (log + chunk.toString()).slice(-LOG_KEPT);
  });
  const until = Date.now() + timeoutMs;
  let address: string | undefined;
  let gatewayAddress: string | undefined;
  const isReady = () =>
    (!wantsGrpc || address !== undefined) && (!wantsGateway || gatewayAddress !== undefined) && (!servesNats || log.includes('"msg":"serving on NATS"'));
  while (Date.now() < until && child.exitCode === null) {
    address ??= LISTENING.exec(log)?.[1];
    gatewayAddress ??= GATEWAY_LISTENING.exec(log)?.[1];
    if (isReady()) break;
    await sleep(50);
  }
  const ready = isReady();
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start:\n${log.slice(-2_000)}`);
  }
  return {
    name,
    child,
    address: (wantsGrpc ? address : gatewayAddress)!,
    ...(gatewayAddress !== undefined && { gatewayAddress }),
    log: () => log,
    exited,
    signal: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGCONT');
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(killer);
    },
  };
}
