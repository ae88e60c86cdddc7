// `arbor serve`: the command line of the in-process composition (../compose/services.ts); flags become the
// environment variables they stand for.
import { createLogger, onShutdownSignals } from '@arbor/kit';
import { TRANSPORTS } from '@arbor/orchestrator';
import { SERVE_TARGETS, startServices, type ServeTarget } from '../compose/services.js';
import { choiceFlag, integerFlag, numberFlag, parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

const SERVE_FLAGS = {
  listen: { type: 'string' },
  'gateway-listen': { type: 'string' },
  'orchestrator-address': { type: 'string' },
  'policy-address': { type: 'string' },
  'value-address': { type: 'string' },
  'reward-address': { type: 'string' },
  transport: { type: 'string' },
  'nats-url': { type: 'string' },
  'slip-rate': { type: 'string' },
  'grace-ms': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LISTEN_VARIABLE: Record<Exclude<ServeTarget, 'all'>, string> = {
  policy: 'ARBOR_POLICY_LISTEN',
  value: 'ARBOR_VALUE_LISTEN',
  reward: 'ARBOR_REWARD_LISTEN',
  orchestrator: 'ARBOR_ORCHESTRATOR_LISTEN',
  gateway: 'ARBOR_GATEWAY_LISTEN',
};

/** Flags become the environment variables they stand for, so one validation path covers both. */
function environmentFor(names: ServeTarget[], values: Record<string, string | boolean | undefined>, base: CliIO['env']) {
  const env: Record<string, string | undefined> = { ...base };
  const str = (name: string) => values[name] as string | undefined;
  const listen = str('listen');
  if (listen !== undefined) {
    if (names.length !== 1) throw new UsageError('--listen sets the address of one service; name exactly one (or all)');
    const only = names[0]!;
    env[LISTEN_VARIABLE[only === 'all' ? 'orchestrator' : only]] = listen;
  }
  const servesGateway = names.includes('gateway') || names.includes('all');
  const gatewayListen = str('gateway-listen');
  if (gatewayListen !== undefined) {
    if (!servesGateway) throw new UsageError('--gateway-listen sets the gateway\'s address; name gateway (or all)');
    env.ARBOR_GATEWAY_LISTEN = gatewayListen;
  }
  if (str('orchestrator-address') !== undefined) {
    if (!servesGateway) throw new UsageError('--orchestrator-address tells the gateway where the orchestrator is; name gateway');
    env.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS = str('orchestrator-address');
  }
  if (str('policy-address') !== undefined) env.ARBOR_POLICY_ADDRESS = str('policy-address');
  if (str('value-address') !== undefined) env.ARBOR_VALUE_ADDRESS = str('value-address');
  if (str('reward-address') !== undefined) env.ARBOR_REWARD_ADDRESS = str('reward-address');
  const slip = numberFlag('slip-rate', str('slip-rate'), 0, 1);
  if (slip !== undefined) env.ARBOR_POLICY_SLIP_RATE = String(slip);
  if (str('nats-url') !== undefined) env.NATS_URL = str('nats-url');

  // `all` keeps the model services inside the orchestrator; a lone orchestrator reaches them over NATS when
  // NATS_URL is set, else over gRPC.
  const transport =
    choiceFlag('transport', str('transport'), TRANSPORTS) ?? (names.includes('all') ? 'inproc' : undefined);
  for (const service of ['POLICY', 'VALUE', 'REWARD']) {
    const key = `ARBOR_${service}_TRANSPORT`;
    if (transport !== undefined) env[key] = transport;
    else env[key] ??= env.NATS_URL ? 'nats' : 'grpc';
  }
  return env;
}

export async function serveCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, SERVE_FLAGS, true);
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`name what to serve: ${SERVE_TARGETS.join(', ')}`);
  const names = positionals.map((name) => {
    const known = choiceFlag('serve', name, SERVE_TARGETS);
    if (known === undefined) throw new UsageError(`unknown service "${name}"`);
    return known;
  });
  if (names.includes('all') && names.length > 1) throw new UsageError('"all" already runs every service; name it alone');
  const env = environmentFor(names, values, io.env);
  const grace = integerFlag('grace-ms', values['grace-ms'], 0, 3_600_000);
  if (grace !== undefined) env.ARBOR_SHUTDOWN_GRACE_MS = String(grace);
  const logLevel = values['log-level'] ?? env.LOG_LEVEL ?? 'info';

  const running = await startServices(names, env, logLevel);
  const logger = createLogger('arbor', { level: logLevel });
  const code = await new Promise<number>((resolve) => onShutdownSignals(logger, [() => running.stop()], resolve));
  // A daemon that has drained everything exits here, even if a NATS connection attempt is still pending.
  process.exit(code);
}

export const SERVE_HELP = `Usage: arbor serve <policy|value|reward|orchestrator|gateway|all>... [options]

Runs Arbor services as gRPC servers (with grpc.health.v1 and server reflection), and the gateway: an
OpenAI-compatible HTTP API (/v1/models, /v1/chat/completions; /healthz, /readyz) over the orchestrator's
search. "all" runs the orchestrator with the three model services inside it, and the gateway calling that
orchestrator; "orchestrator" alone reaches the model services over gRPC; "gateway" alone calls the
orchestrator at ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS.
Default addresses: orchestrator 127.0.0.1:50051, policy :50052, value :50053, reward :50054,
gateway (HTTP) 127.0.0.1:8080.

Options:
  --listen HOST:PORT        address of the one service named (the orchestrator's with "all"); port 0 picks one
  --gateway-listen H:P      the gateway's HTTP address (ARBOR_GATEWAY_LISTEN), e.g. with "all"
  --orchestrator-address H:P  where a gateway finds the orchestrator (default 127.0.0.1:50051)
  --policy-address H:P      where the orchestrator finds the policy service (also --value-, --reward-address)
  --transport inproc|grpc|nats  how the orchestrator reaches the model services (default: nats when
                            NATS_URL is set, else grpc; inproc for "all")
  --nats-url URL            NATS server(s); model services then also serve on their NATS subjects
  --slip-rate R             embedded policy's arithmetic slip rate, 0..1 (default 0)
  --grace-ms N              how long a shutdown waits for calls in flight before forcing (default 10000)
  --log-level LEVEL         pino level (default info)

Every option also has an environment variable; see the README's configuration table.
`;
