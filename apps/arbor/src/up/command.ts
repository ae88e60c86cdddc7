// `arbor up`: a local multi-process stack — NATS, model replicas, the orchestrator and the gateway, each its own
// process, supervised (restarts, prefixed logs) and stopped together.
import { MODEL_SERVICES } from '@arbor/orchestrator';
import { arborEntry } from '../arbor-entry.js';
import type { ModelService } from '@arbor/search';
import { choiceFlag, numberFlag, parseFlags } from '../cli/args.js';
import type { CliIO } from '../cli/io.js';
import { renderTable } from '../cli/table.js';
import { ensureNats, natsEnvFor, natsServers, type StackNats } from './nats.js';
import { LEVEL_VALUES, LOG_LEVELS, Replica, untilReadyz, untilServing, type LogLevel, type ReplicaOptions } from './replica.js';
import { UsageError } from '../cli/usage-error.js';

const MAX_REPLICAS = 16;
const DEFAULT_LISTEN = '127.0.0.1:50051';
const DEFAULT_GATEWAY_LISTEN = '127.0.0.1:8080';
const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
/**
 * Each replica's own grace period (its --grace-ms): the orchestrator's searches stop with their best answer
 * (STOP_REASON_SHUTDOWN) within it. A replica still running this long after it was told to stop, plus a
 * moment to exit, is killed.
 */
const REPLICA_GRACE_MS = 8_000;
const SHUTDOWN_GRACE_MS = REPLICA_GRACE_MS + 2_000;
const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const UP_FLAGS = {
  'nats-url': { type: 'string' },
  replicas: { type: 'string', multiple: true },
  listen: { type: 'string' },
  'gateway-listen': { type: 'string' },
  'slip-rate': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface UpPlan {
  natsUrl: string;
  replicas: Record<ModelService, number>;
  listen: string;
  /** The gateway's HTTP address (OpenAI-compatible API). */
  gatewayListen: string;
  slipRate?: number;
  logLevel: LogLevel;
}

/** Reads `policy=1,value=1,reward=3` (the flag may also be repeated); services not named keep one replica. */
export function parseReplicas(raw: readonly string[] = []): Record<ModelService, number> {
  const counts: Record<ModelService, number> = { policy: 1, value: 1, reward: 1 };
  for (const item of raw.flatMap((r) => r.split(','))) {
    const match = /^\s*([^=\s]+)\s*=\s*(\S+)\s*$/.exec(item);
    if (!match) throw new UsageError(`--replicas: expected SERVICE=COUNT, e.g. reward=3, got "${item.trim()}"`);
    const [, service, count] = match as unknown as [string, string, string];
    if (!(MODEL_SERVICES as readonly string[]).includes(service)) {
      throw new UsageError(`--replicas: unknown service "${service}"; expected ${MODEL_SERVICES.join(', ')}`);
    }
    const value = Number(count);
    if (!/^\d+$/.test(count) || value < 1 || value > MAX_REPLICAS) {
      throw new UsageError(`--replicas: ${service} needs 1 to ${MAX_REPLICAS} replicas, got "${count}"`);
    }
    counts[service as ModelService] = value;
  }
  return counts;
}

export function readUpPlan(values: Record<string, string | string[] | boolean | undefined>, env: CliIO['env']): UpPlan {
  const str = (name: string) => values[name] as string | undefined;
  const natsFromFlag = str('nats-url');
  const natsUrl = natsFromFlag ?? env.NATS_URL ?? DEFAULT_NATS_URL;
  const { bad } = natsServers(natsUrl);
  if (bad !== undefined) throw new UsageError(`${natsFromFlag !== undefined ? '--nats-url' : 'NATS_URL'}: not a NATS URL: "${bad}"`);

  const address = (flag: string, fallback: string) => {
    const value = str(flag) ?? fallback;
    if (!/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(value) || Number(value.slice(value.lastIndexOf(':') + 1)) > 65_535) {
      throw new UsageError(`--${flag}: expected HOST:PORT, got "${value}"`);
    }
    return value;
  };
  const listen = address('listen', DEFAULT_LISTEN);
  const gatewayListen = address('gateway-listen', DEFAULT_GATEWAY_LISTEN);

  const levelFromFlag = str('log-level');
  const rawLevel = levelFromFlag ?? env.LOG_LEVEL ?? 'info';
  const logLevel = choiceFlag(levelFromFlag !== undefined ? 'log-level' : 'LOG_LEVEL', rawLevel, LOG_LEVELS)!;
  const slipRate = numberFlag('slip-rate', str('slip-rate'), 0, 1);
  return {
    natsUrl,
    replicas: parseReplicas(values.replicas as string[] | undefined),
    listen,
    gatewayListen,
    ...(slipRate !== undefined && { slipRate }),
    logLevel,
  };
}

/** A client cannot dial a wildcard address; the ready line suggests the loopback one instead. */
function dialable(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

export async function upCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, UP_FLAGS);
  if (values.help) {
    io.stdout.write(UP_HELP);
    return 0;
  }
  return runStack(readUpPlan(values, io.env), io);
}

async function runStack(plan: UpPlan, io: CliIO): Promise<number> {
  const shown = LEVEL_VALUES[plan.logLevel];
  // Children log at info or finer whatever was asked: their "listening" lines are how readiness is seen. The
  // level asked for is applied here, to what reaches the terminal.
  const childLevel: LogLevel = shown < LEVEL_VALUES.info ? plan.logLevel : 'info';
  const names = [
    'orchestrator',
    ...MODEL_SERVICES.flatMap((service) => Array.from({ length: plan.replicas[service] }, (_, i) => `${service}-${i + 1}`)),
  ];
  const width = Math.max(...[...names, 'gateway'].map((n) => n.length));
  const writeLine = (name: string, line: string) => io.stderr.write(`${name.padEnd(width)} | ${line}\n`);
  const notice = (level: number, message: string) => {
    if (level >= shown) writeLine('up', message);
  };

  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
  let stopping = false;
  let forced = false;
  let failure: Error | undefined;
  let nats: StackNats | undefined;
  const replicas: Replica[] = [];

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      forced = true;
      notice(LEVEL_VALUES.warn, `${signal} again: killing every replica now`);
      for (const replica of replicas) replica.killNow();
      return;
    }
    stopping = true;
    notice(LEVEL_VALUES.info, `${signal}: stopping the stack`);
    requestStop();
  };
  // Whatever ends this process (process.exit elsewhere, an uncaught exception), no replica may outlive it.
  const onExit = () => {
    for (const replica of replicas) replica.killNow();
    void nats?.started?.stop();
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);

  try {
    nats = await ensureNats(plan.natsUrl, io.env);
    if (nats.started) notice(LEVEL_VALUES.info, `nothing answered at ${plan.natsUrl}; started nats-server at ${nats.url}, with JetStream`);
    else notice(LEVEL_VALUES.warn, sharedNatsWarning(plan.natsUrl, io.env));
    const jobs = durableJobs(nats, io.env);
    notice(LEVEL_VALUES.info, jobs.note);
    if (!stopping) {
      const entry = arborEntry();
      const env = { ...io.env, LOG_LEVEL: childLevel };
      const stackNats = nats;
      const grace = ['--log-level', childLevel, '--grace-ms', String(REPLICA_GRACE_MS)];
      const common = ['--nats-url', nats.url, ...grace];
      const replica = (name: string, options: Pick<ReplicaOptions, 'args' | 'env' | 'listeningMessage' | 'readyMessages' | 'untilReady'>) =>
        new Replica({
          name,
          entry,
          ...options,
          output: (line, level) => {
            if (level === undefined || level >= shown) writeLine(name, line);
          },
          notice,
          onGiveUp: (err) => {
            failure ??= err;
            requestStop();
          },
        });
      for (const name of names) {
        const service = name === 'orchestrator' ? name : name.slice(0, name.lastIndexOf('-'));
        const isOrchestrator = service === 'orchestrator';
        const args = isOrchestrator
          ? ['serve', 'orchestrator', '--listen', plan.listen, '--transport', 'nats', ...common]
          : [
              'serve',
              service,
              '--listen',
              '127.0.0.1:0',
              ...common,
              ...(service === 'policy' && plan.slipRate !== undefined ? ['--slip-rate', String(plan.slipRate)] : []),
            ];
        replicas.push(
          replica(name, {
            args,
            env: { ...env, ...natsEnvFor(stackNats, service as ModelService | 'orchestrator'), ...(isOrchestrator && { ARBOR_JOBS: jobs.setting }) },
            // A model replica is useful once it takes requests from NATS, which is how the orchestrator calls it.
            ...(isOrchestrator ? { untilReady: untilServing } : { readyMessages: ['serving on NATS'] }),
          }),
        );
      }
      // A replica that fails to start stops the stack; its rejection after a Ctrl-C is expected and ignored.
      const untilStarted = (starting: Promise<unknown>) => {
        starting.catch(() => undefined);
        return Promise.race([starting.then(() => 'ready' as const), stopRequested.then(() => 'stop' as const)]).catch((err: unknown) => {
          failure ??= err instanceof Error ? err : new Error(String(err));
          return 'failed' as const;
        });
      };
      let outcome = await untilStarted(Promise.all(replicas.map((r) => r.start())));
      const orchestrator = replicas[0]?.address ? dialable(replicas[0].address) : undefined;
      if (outcome === 'ready' && orchestrator) {
        // The gateway last, once the orchestrator it calls is serving (at the address it bound): ready when its
        // /readyz says the orchestrator answers. It talks gRPC to the orchestrator and has no NATS of its own.
        const gateway = replica('gateway', {
          args: ['serve', 'gateway', '--listen', plan.gatewayListen, '--orchestrator-address', orchestrator, ...grace],
          env,
          listeningMessage: 'gateway listening',
          untilReady: untilReadyz,
        });
        replicas.push(gateway);
        outcome = await untilStarted(gateway.start());
      }
      if (outcome === 'ready') {
        io.stdout.write(`${statusTable(replicas, nats)}\n\n`);
        const gateway = replicas.find((r) => r.name === 'gateway');
        io.stdout.write(`OpenAI-compatible API (gateway): http://${dialable(gateway!.address!)}/v1\n`);
        io.stdout.write(`Arbor is up: arbor solve --numbers "4 9 10 13" --server ${orchestrator}\n`);
        await stopRequested;
      }
    }
  } finally {
    stopping = true;
    await stopAll(replicas, nats);
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
  }
  if (failure) throw failure;
  return forced ? 1 : 0;
}

/**
 * Durable jobs (ARBOR_JOBS) need JetStream: on when the stack's NATS runs it, off when it does not, and as the
 * environment says when it says; `note` is the log line that tells which, and why.
 */
export function durableJobs(nats: StackNats, env: CliIO['env']): { setting: string; note: string } {
  const asked = env.ARBOR_JOBS;
  if (asked !== undefined) {
    const warning = asked === 'on' && !nats.jetstream ? ', but this NATS server does not run JetStream' : '';
    return { setting: asked, note: `durable jobs: ARBOR_JOBS=${asked}, from the environment${warning}` };
  }
  return nats.jetstream
    ? { setting: 'on', note: `durable jobs on (ARBOR_JOBS=on): NATS at ${nats.url} runs JetStream` }
    : { setting: 'off', note: `durable jobs off (ARBOR_JOBS=off): NATS at ${nats.url} does not run JetStream (nats-server --jetstream)` };
}

/**
 * Joining a NATS server that is already running is what a user wants when it is their own stack's, and a quiet
 * surprise when it is not: another stack's replicas on the same subjects would answer this one's calls.
 */
export function sharedNatsWarning(url: string, env: CliIO['env']): string {
  const namespace = env.ARBOR_NATS_NAMESPACE;
  const subjects = namespace ? `namespace "${namespace}"` : 'the default subjects (no ARBOR_NATS_NAMESPACE)';
  const hint = namespace ? '' : '; if another Arbor stack uses this server, set ARBOR_NATS_NAMESPACE to keep the two apart';
  return `a NATS server already answers at ${url}: joining it with ${subjects}, with the NATS_* credentials of the environment${hint}`;
}

function statusTable(replicas: Replica[], nats: StackNats): string {
  const rows = replicas.map((r) => [r.name, String(r.pid ?? ''), r.address ?? '', r.name === 'gateway' ? 'HTTP' : 'gRPC']);
  const natsNote = nats.started
    ? 'started by arbor up with a user per service and JetStream; stops with it, its store removed'
    : `already running${nats.jetstream ? ', with JetStream' : ''}; left alone`;
  return `${renderTable(['replica', 'pid', 'address', 'protocol'], rows)}\n\nNATS: ${nats.url} (${natsNote})`;
}

/**
 * The gateway and the orchestrator first, together: the gateway stops taking connections while the orchestrator
 * winds its searches down, so requests in flight through the gateway still get their answers, and searches can
 * reach the models while they drain. NATS last.
 */
async function stopAll(replicas: Replica[], nats: StackNats | undefined): Promise<void> {
  const deadline = Date.now() + SHUTDOWN_GRACE_MS;
  const front = replicas.filter((r) => r.name === 'orchestrator' || r.name === 'gateway');
  const models = replicas.filter((r) => !front.includes(r));
  await Promise.all(front.map((r) => r.stop(deadline)));
  // However long the orchestrator took, the models still get a moment to drain their NATS connections.
  await Promise.all(models.map((m) => m.stop(Math.max(deadline, Date.now() + 2_000))));
  await nats?.started?.stop();
}

export const UP_HELP = `Usage: arbor up [options]

Runs a local Arbor stack as separate processes: a policy, value and reward service per replica, an
orchestrator that reaches them over NATS, and the gateway (OpenAI-compatible HTTP API) in front of it. Starts nats-server when nothing answers at the NATS URL, with a user
and a random password per service, each allowed only its own subjects (arbor nats authorization), and
JetStream in a temporary folder removed on exit; a server that already answers is used as it is, with the
NATS_* credentials of the environment for every replica. The orchestrator runs durable jobs (ARBOR_JOBS=on)
when the server runs JetStream, unless ARBOR_JOBS is set in the environment. Prints a
table of the replicas once every one is ready; child logs go to stderr, prefixed with the replica name.
A replica that exits is restarted (at most 3 times a minute). Ctrl-C stops everything.

Options:
  --nats-url URL            NATS server (default NATS_URL, else ${DEFAULT_NATS_URL})
  --replicas S=N,...        replicas per model service, 1..${MAX_REPLICAS} each (default 1), e.g. reward=3;
                            may be repeated: --replicas policy=2 --replicas reward=3
  --listen HOST:PORT        orchestrator address (default ${DEFAULT_LISTEN})
  --gateway-listen H:P      gateway (HTTP) address (default ${DEFAULT_GATEWAY_LISTEN})
  --slip-rate R             embedded policy's arithmetic slip rate, 0..1 (default 0)
  --log-level LEVEL         which child log lines to show: ${LOG_LEVELS.join('|')} (default LOG_LEVEL, else info)
`;
