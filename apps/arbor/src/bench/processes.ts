// Arbor services as real processes for the fault benchmark: `arbor serve ...` children whose readiness is read
// from their logs, that can be signalled (SIGSTOP, SIGKILL) like a replica in a cluster, and that are always
// stopped at the end.
import { spawn, type ChildProcess } from 'node:child_process';
import { sleep } from '@arbor/kit';
import { arborEntry } from '../arbor-entry.js';

export interface ServiceProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** The gRPC address it bound. */
  readonly address: string;
  signal(signal: NodeJS.Signals): void;
  /** SIGTERM (after SIGCONT, should it be stopped), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const LISTENING = /"address":"([^"]+)"[^\n]*"msg":"gRPC server listening"/;

/**
 * Starts `arbor serve <args>` and resolves once it listens (and, when `servesNats`, takes requests from NATS).
 * Rejects with the child's log when it exits or is not ready within `timeoutMs`.
 */
export async function startArbor(name: string, args: string[], env: Record<string, string | undefined>, servesNats: boolean, timeoutMs = 30_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [arborEntry(), 'serve', ...args, '--listen', '127.0.0.1:0', '--log-level', 'info'], {
    env: { ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    // Only the start-up lines matter; a long run must not keep every log line in memory.
    if (log.length < 64_000) log += chunk.toString();
  });
  const until = Date.now() + timeoutMs;
  let address: string | undefined;
  while (Date.now() < until && child.exitCode === null) {
    address ??= LISTENING.exec(log)?.[1];
    if (address && (!servesNats || log.includes('"msg":"serving on NATS"'))) break;
    await sleep(50);
  }
  const ready = address !== undefined && (!servesNats || log.includes('"msg":"serving on NATS"'));
  if (!ready || child.exitCode !== null) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start:\n${log.slice(-2_000)}`);
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    address: address!,
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
