// The `arbor` command: dispatches to serve / solve / demo / bench, and turns every failure into one clear line.
import { ConfigError } from '@arbor/kit';
import { ArborError, InvalidArgumentError } from '@arbor/kit/errors';
import { didYouMean } from './suggest.js';
import { ARBOR_VERSION } from './version.js';
import type { CliIO } from './io.js';
import { UsageError } from './usage-error.js';

const HELP = `Usage: arbor <command> [options]

Commands:
  solve     solve countdown / Game-of-24 puzzles or math word problems by tree search
  demo      solve the hardest generated puzzles and print a results table (npm start)
  eval      run a dataset over a grid of algorithms, budgets and seeds; resumable; accuracy report
  jobs      durable eval jobs on the orchestrators (arbor eval --job): list, show, cancel
  export    training data (PRM labels, preference pairs, SFT, value targets) from an eval run's trees
  serve     run services: policy, value, reward, orchestrator, gateway, or all
  bench     run the benchmarks (b1 to b6) against their baselines and write JSON results (npm run bench)
  up        run a local multi-process stack (NATS, model replicas, orchestrator, gateway) until Ctrl-C
  token     make a bearer token for a tenant: arbor token new --tenant NAME --file tokens.json
  nats      NATS users and permissions for a stack: arbor nats authorization, arbor nats passwords
  doctor    check each configured model backend the way the services use it, and say which setting to change
  help      show help for a command: arbor help solve

Run arbor <command> --help for its options; arbor --version prints the version.
`;

type Command = (args: string[], io: CliIO) => Promise<number>;

/**
 * Each command's module, loaded only when that command runs or its help is asked for: `arbor --version` or
 * `arbor solve` need not load the benchmarks, the gateway or the plot renderer (each start of the CLI is
 * quicker by most of a second).
 */
const COMMANDS: Record<string, () => Promise<{ run: Command; help: string }>> = {
  solve: async () => import('./solve.js').then((m) => ({ run: m.solveCommand, help: m.SOLVE_HELP })),
  eval: async () => import('../eval/command.js').then((m) => ({ run: m.evalCommand, help: m.EVAL_HELP })),
  export: async () => import('../export/command.js').then((m) => ({ run: m.exportCommand, help: m.EXPORT_HELP })),
  jobs: async () => import('../jobs/command.js').then((m) => ({ run: m.jobsCommand, help: m.JOBS_HELP })),
  demo: async () => import('./demo.js').then((m) => ({ run: m.demoCommand, help: m.DEMO_HELP })),
  serve: async () => import('./serve.js').then((m) => ({ run: m.serveCommand, help: m.SERVE_HELP })),
  up: async () => import('../up/command.js').then((m) => ({ run: m.upCommand, help: m.UP_HELP })),
  bench: async () => import('../bench/command.js').then((m) => ({ run: m.benchCommand, help: m.BENCH_HELP })),
  token: async () => import('./token.js').then((m) => ({ run: m.tokenCommand, help: m.TOKEN_HELP })),
  nats: async () => import('./nats.js').then((m) => ({ run: m.natsCommand, help: m.NATS_HELP })),
  doctor: async () => import('./doctor.js').then((m) => ({ run: m.doctorCommand, help: m.DOCTOR_HELP })),
};

/** Exit codes: 0 done, 1 failed at run time (a service unavailable, ...), 2 bad usage or input. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    io.stdout.write(`arbor ${ARBOR_VERSION}\n`);
    return 0;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    const topic = rest[0];
    if (topic !== undefined && !COMMANDS[topic]) {
      io.stderr.write(`arbor: no command "${topic.slice(0, 64)}"${didYouMean(topic, Object.keys(COMMANDS))}; run arbor help\n`);
      return 2;
    }
    io.stdout.write(topic === undefined ? HELP : (await COMMANDS[topic]!()).help);
    return 0;
  }
  // No command is a usage mistake (a script that forgot its argument), not a request for help.
  if (command === undefined) {
    io.stderr.write(HELP);
    return 2;
  }
  const load = COMMANDS[command];
  if (!load) {
    io.stderr.write(`arbor: unknown command "${command.slice(0, 64)}"${didYouMean(command, Object.keys(COMMANDS))}; run arbor help\n`);
    return 2;
  }
  try {
    const { checkConfigFileNames, unknownEnvironmentNames } = await import('./config-file.js');
    checkConfigFileNames(io.env);
    for (const { name, hint } of unknownEnvironmentNames(io.env)) {
      io.stderr.write(`arbor: warning: ${name} is not an Arbor setting${hint}; it is ignored\n`);
    }
    const { run } = await load();
    return await run(rest, io);
  } catch (err) {
    return reportFailure(err, io);
  }
}

function reportFailure(err: unknown, io: CliIO): number {
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof InvalidArgumentError) {
    io.stderr.write(`arbor: ${err.message}\n`);
    return 2;
  }
  if (err instanceof ArborError) {
    const server = (err as { server?: string }).server;
    // In process, the failure behind a stopped search (a model server down, and where) is the user's own
    // configuration: say it on the same line. A remote server keeps its addresses to itself.
    const cause = !server && err.cause instanceof ArborError ? `: ${err.cause.message}` : '';
    io.stderr.write(`arbor: ${server ? `server ${server}: ` : ''}${err.kind}: ${err.message}${cause}\n`);
    return 1;
  }
  // Unexpected: still one line for the user; the stack only when asked for.
  io.stderr.write(`arbor: unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
  if (io.env.ARBOR_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
