// One supervised replica of `arbor up`: an `arbor serve` child process, its readiness, its logs, its restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkHealth } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** pino's numeric levels, as they appear in the `level` field of every JSON log line. */
export const LEVEL_VALUES: Record<LogLevel, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

export interface RestartPolicy {
  /** Restarts allowed within `windowMs`; one more exit in that window stops the stack. */
  maxRestarts: number;
  windowMs: number;
  /** Delay before the first restart; doubled for each further exit within the window. */
  backoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxRestarts: 3, windowMs: 60_000, backoffMs: 1_000 };

export interface ReplicaOptions {
  /** e.g. "reward-2"; prefixes its log lines. */
  name: string;
  /** The arbor CLI script; the child runs `node <entry> ...args`. */
  entry: string;
  args: string[];
  env: Record<string, string | undefined>;
  /** The log message that carries the address it bound (default "gRPC server listening"; the gateway's "gateway listening"). */
  listeningMessage?: string;
  /** Log messages that must appear, besides the listening one, before the replica counts as ready. */
  readyMessages?: string[];
  /** A further readiness check once the address is known (the orchestrator: health SERVING; the gateway: /readyz). */
  untilReady?: (address: string, signal: AbortSignal) => Promise<void>;
  startTimeoutMs?: number;
  restart?: RestartPolicy;
  /** Receives every output line of the child, with its pino level when it is a JSON log line. */
  output: (line: string, level: number | undefined) => void;
  /** Receives the supervisor's own messages about this replica. */
  notice: (level: number, message: string) => void;
  /** Called when the replica keeps exiting; the stack should stop. */
  onGiveUp: (err: Error) => void;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

function describeExit(exit: Exit): string {
  if (exit.error) return `could not start: ${exit.error.message}`;
  return exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null && child.pid !== undefined;
}

/**
 * Resolves once the gateway's GET /readyz answers 200, which it does once the orchestrator it calls is SERVING.
 */
export async function untilReadyz(address: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch(`http://${address}/readyz`, { signal: AbortSignal.any([signal, AbortSignal.timeout(2_000)]) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // Not answering yet: keep polling until the start-up timeout aborts us.
    }
    await sleep(200, undefined, { signal }).catch(() => undefined);
  }
}

/** Resolves once the orchestrator's health is SERVING, which it only is once its NATS connection is up. */
export async function untilServing(address: string, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      if ((await checkHealth(address, '', 1_000)) === 'SERVING') return;
    } catch {
      // Not answering yet: keep polling until the start-up timeout aborts us.
    }
    await sleep(200, undefined, { signal }).catch(() => undefined);
  }
}

export class Replica {
  pid: number | undefined;
  address: string | undefined;
  private child: ChildProcess | undefined;
  private closed: Promise<Exit> = Promise.resolve({ code: 0, signal: null });
  private running = false;
  private stopping = false;
  private exits: number[] = [];
  private restartTimer: NodeJS.Timeout | undefined;
  private lastProblem = '';

  constructor(private readonly options: ReplicaOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** The first start: rejects when the child exits or is not ready in time, and is then not restarted. */
  start(): Promise<void> {
    return this.launch();
  }

  private async launch(): Promise<void> {
    const { options } = this;
    this.lastProblem = '';
    // Its own process group: a Ctrl-C in the terminal reaches only `arbor up`, which then stops the replicas
    // in order (orchestrator first); otherwise each child would take our SIGTERM as a second, forcing signal.
    const child = spawn(process.execPath, [options.entry, ...options.args], {
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    this.pid = child.pid;
    this.address = undefined;

    let listening: (address: string) => void = () => undefined;
    const address = new Promise<string>((resolve) => (listening = resolve));
    const waitingFor = new Set(options.readyMessages ?? []);
    let messagesSeen: () => void = () => undefined;
    const messages = new Promise<void>((resolve) => (messagesSeen = resolve));
    if (waitingFor.size === 0) messagesSeen();

    const onLine = (line: string) => {
      const entry = parseLogLine(line);
      if (entry) {
        if (entry.msg === (options.listeningMessage ?? 'gRPC server listening') && typeof entry.address === 'string') listening(entry.address);
        if (waitingFor.delete(entry.msg ?? '') && waitingFor.size === 0) messagesSeen();
        if ((entry.level ?? 0) >= LEVEL_VALUES.error) this.lastProblem = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
      } else if (line.trim() !== '') {
        // Plain lines are the CLI's own one-line failures ("arbor: ..."), the best reason to report.
        this.lastProblem = line.trim();
      }
      options.output(line, entry?.level);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);

    // 'close' rather than 'exit': it comes after the last output line, so lastProblem is complete.
    this.closed = new Promise<Exit>((resolve) => {
      child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
      child.once('error', (error) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error });
      });
    });
    const closed = this.closed;

    const abort = new AbortController();
    type Outcome = { ready: string } | { exit: Exit } | { timeout: true } | { failed: Error };
    const ready = (async (): Promise<Outcome> => {
      const bound = await address;
      await messages;
      await options.untilReady?.(bound, abort.signal);
      return { ready: bound };
    })().catch((err: unknown): Outcome => ({ failed: err instanceof Error ? err : new Error(String(err)) }));
    const timeoutMs = options.startTimeoutMs ?? 45_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), timeoutMs)));
    const outcome = await Promise.race([ready, closed.then((exit): Outcome => ({ exit })), timedOut]);
    clearTimeout(timer);
    abort.abort();

    if ('ready' in outcome) {
      this.address = outcome.ready;
      this.running = true;
      void closed.then((exit) => {
        if (this.child === child && this.running && !this.stopping) this.crashed(exit);
      });
      return;
    }
    if (isAlive(child)) child.kill('SIGKILL');
    const exit = await closed;
    this.pid = undefined;
    if (this.stopping) throw new UnavailableError(`${options.name} was stopped during start-up`);
    const why =
      'timeout' in outcome
        ? `was not ready within ${timeoutMs / 1_000} s`
        : 'failed' in outcome
          ? `failed its readiness check (${outcome.failed.message})`
          : `exited during start-up (${describeExit(exit)})`;
    throw new UnavailableError(`${options.name} ${why}${this.lastProblem ? `: ${this.lastProblem}` : ''}`);
  }

  private crashed(exit: Exit): void {
    const { name, restart = DEFAULT_RESTART_POLICY } = this.options;
    this.running = false;
    this.pid = undefined;
    const now = Date.now();
    this.exits = [...this.exits.filter((t) => now - t < restart.windowMs), now];
    if (this.exits.length > restart.maxRestarts) {
      const message = `${name} exited ${this.exits.length} times within ${restart.windowMs / 1_000} s (last: ${describeExit(exit)})`;
      this.options.notice(LEVEL_VALUES.error, `${message}; giving up and stopping the stack`);
      this.options.onGiveUp(new UnavailableError(`${message}; stopped the stack`));
      return;
    }
    const delay = restart.backoffMs * 2 ** (this.exits.length - 1);
    this.options.notice(
      LEVEL_VALUES.warn,
      `${name} exited unexpectedly (${describeExit(exit)}); restarting in ${delay / 1_000} s ` +
        `(restart ${this.exits.length} of at most ${restart.maxRestarts} per ${restart.windowMs / 1_000} s)`,
    );
    this.restartTimer = setTimeout(() => void this.relaunch(), delay);
  }

  private async relaunch(): Promise<void> {
    this.restartTimer = undefined;
    if (this.stopping) return;
    try {
      await this.launch();
      this.options.notice(LEVEL_VALUES.info, `${this.name} restarted: pid ${this.pid}, ${this.options.listeningMessage ? 'at' : 'gRPC'} ${this.address}`);
    } catch (err) {
      // A restart that fails to come up counts as one more exit, so a broken replica still ends in giving up.
      if (!this.stopping) this.crashed({ code: null, signal: null, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  /** SIGTERM, then SIGKILL at `deadline` (epoch ms); resolves once the process is gone. */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.running = false;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || !isAlive(child)) return;
    child.kill('SIGTERM');
    const kill = setTimeout(() => {
      if (isAlive(child)) child.kill('SIGKILL');
    }, Math.max(0, deadline - Date.now()));
    await this.closed;
    clearTimeout(kill);
  }

  /** Synchronous last resort (the parent is exiting, or a second Ctrl-C): no replica may outlive `arbor up`. */
  killNow(): void {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    if (this.child && isAlive(this.child)) this.child.kill('SIGKILL');
  }
}

interface LogEntry {
  level?: number;
  msg?: string;
  address?: unknown;
  err?: { message?: string };
}

function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null ? (value as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}
