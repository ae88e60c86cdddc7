// `arbor bench [b1|...|b6|b8|search|faults|all] [--quick] [--out DIR] [--puzzles N]`: runs the benchmarks of
// bench/README.md, prints a table per benchmark and writes <out>/<name>.json for comparison
// with later runs.
import { createLogger } from '@arbor/kit';
import { integerFlag, parseFlags } from '../cli/args.js';
import type { CliIO } from '../cli/io.js';
import { UsageError } from '../cli/usage-error.js';
import { b1Table, runB1 } from './b1-transport.js';
import { b2Table, runB2 } from './b2-overhead.js';
import { b3Table, runB3 } from './b3-efficiency.js';
import { b4Table, runB4 } from './b4-parallel-mcts.js';
import { b5Table, runB5 } from './b5-batching.js';
import { writeB6Plot } from './b6-plot.js';
import { b6Table, runB6 } from './b6-search.js';
import { b7Table, runB7 } from './b7-prefix-cache.js';
import { b8Table, runB8 } from './b8-faults.js';
import { openBenchNats, type BenchNats } from './nats-env.js';
import { describeMachine, writeResult } from './report.js';

const BENCHMARKS = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8'] as const;
type BenchName = (typeof BENCHMARKS)[number];

/** Names the issues use for a benchmark (`arbor bench search` is B6). */
const ALIASES: Readonly<Record<string, BenchName>> = { search: 'b6', 'prefix-cache': 'b7', faults: 'b8' };

/**
 * B6's full run takes ~5 minutes on 2 cores and B8's several, more than all the others together, so `all` runs
 * them only in their --quick form; `arbor bench search` and `arbor bench faults` run them in full.
 */
const QUICK_ONLY_IN_ALL: ReadonlySet<BenchName> = new Set(['b6', 'b8']);

/** B3 to B6 run in-process only, so running just them needs no NATS server. */
const NEEDS_NATS: ReadonlySet<BenchName> = new Set(['b1', 'b2', 'b7']);

const BENCH_FLAGS = {
  quick: { type: 'boolean' },
  out: { type: 'string' },
  puzzles: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const BENCH_DEFAULT_OUT = 'bench-results';

function selected(positionals: string[], quick: boolean): BenchName[] {
  if (positionals.length > 1) throw new UsageError(`expected at most one benchmark name, got ${positionals.join(' ')}`);
  const given = positionals[0] ?? 'all';
  if (given === 'all') return BENCHMARKS.filter((n) => quick || !QUICK_ONLY_IN_ALL.has(n));
  const name = ALIASES[given] ?? given;
  if ((BENCHMARKS as readonly string[]).includes(name)) return [name as BenchName];
  throw new UsageError(`unknown benchmark "${given}"; expected one of ${[...BENCHMARKS, ...Object.keys(ALIASES)].join(', ')}, all`);
}

export async function benchCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseFlags(args, BENCH_FLAGS, true);
  if (values.help) {
    io.stdout.write(BENCH_HELP);
    return 0;
  }
  const quick = values.quick ?? false;
  const names = selected(positionals, quick);
  const puzzles = integerFlag('puzzles', values.puzzles, 1, 100);
  if (puzzles !== undefined && !names.includes('b6')) throw new UsageError('--puzzles applies to b6 (search) only');
  const out = values.out ?? BENCH_DEFAULT_OUT;
  if (out.trim() === '') throw new UsageError('--out: expected a directory');
  // Services log at info by default; here that would bury the tables.
  const logger = createLogger('arbor-bench', { level: io.env.LOG_LEVEL ?? 'warn' });
  const progress = (line: string) => io.stderr.write(`bench: ${line}\n`);

  const machine = describeMachine();
  io.stdout.write(`Arbor benchmarks${quick ? ' (quick smoke run; numbers are not comparable)' : ''}: ${machine.cpus} CPUs (${machine.cpuModel}), Node ${machine.node}\n`);
  const nats: BenchNats | undefined = names.some((n) => NEEDS_NATS.has(n))
    ? await openBenchNats(io.env.NATS_URL, logger, (line) => io.stdout.write(`${line}\n`))
    : undefined;
  const needNats = (name: BenchName): BenchNats => {
    if (!nats) throw new Error(`${name} needs NATS, which was not opened`);
    return nats;
  };
  let failed = false;
  // The JSON is always written first, so a failing run can be inspected.
  const reportFailure = (id: string, failure: string | undefined) => {
    if (failure === undefined) return;
    io.stderr.write(`arbor bench: ${id} FAILED: ${failure}\n`);
    failed = true;
  };
  try {
    for (const name of names) {
      io.stdout.write('\n');
      if (name === 'b1') {
        const result = await runB1({ nats: needNats(name), logger, quick, progress });
        io.stdout.write(`${b1Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b1', result)}\n`);
      } else if (name === 'b2') {
        const result = await runB2({ nats: needNats(name), logger, quick, progress });
        io.stdout.write(`${b2Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b2', result)}\n`);
        reportFailure('B2', result.failure);
      } else if (name === 'b3') {
        const result = await runB3({ quick, progress });
        io.stdout.write(`${b3Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b3', result)}\n`);
        reportFailure('B3', result.failure);
      } else if (name === 'b4') {
        const result = await runB4({ quick, progress });
        io.stdout.write(`${b4Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b4', result)}\n`);
        reportFailure('B4', result.failure);
      } else if (name === 'b5') {
        const result = await runB5({ quick, progress });
        io.stdout.write(`${b5Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b5', result)}\n`);
        reportFailure('B5', result.failure);
      } else if (name === 'b7') {
        const result = await runB7({ quick, progress, nats: needNats(name) });
        io.stdout.write(`${b7Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b7', result)}\n`);
      } else if (name === 'b8') {
        // Its own nats-server (it restarts it) and its own processes: no shared NATS needed.
        const result = await runB8({ quick, progress });
        io.stdout.write(`${b8Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b8', result)}\n`);
      } else {
        const result = await runB6({ quick, logger, progress, ...(puzzles !== undefined && { puzzles }) });
        io.stdout.write(`${b6Table(result)}\n`);
        io.stdout.write(`wrote ${await writeResult(out, 'b6', result)}\n`);
        io.stdout.write(`wrote ${await writeB6Plot(out, result)}\n`);
        reportFailure('B6', result.failure);
      }
    }
  } finally {
    await nats?.close();
  }
  return failed ? 1 : 0;
}

export const BENCH_HELP = `Usage: arbor bench [b1|b2|b3|b4|b5|b6|b7|b8|search|prefix-cache|faults|all] [--quick] [--out DIR] [--puzzles N]

Runs Arbor's benchmarks (default: all), each against its baseline in the same run, prints a
table of ratios and absolute numbers, and writes DIR/<name>.json (default DIR: ${BENCH_DEFAULT_OUT}/).
What each one measures, its baseline and target, and how to read it: apps/arbor/src/bench/README.md.

  b1        transport tax: Arbor's NATS and gRPC model paths vs raw request/reply (p50, p99, req/s)
  b2        overhead per expansion: beam search 8x8 to depth 8 over NATS vs in-process, t = 0, 10, 50 ms
  b3        critical-path efficiency: beam 16 wide, depth 10 and best-of-64 with 50 ms policy and 20 ms reward
            latencies, fixed and log-normal, vs one call in flight and vs the critical path of the latencies
  b4        parallel MCTS: 512 simulations, P = 1, 4, 16, 64 in flight, 50 ms calls, hardest countdown puzzles
  b5        batching: value and reward evaluations costing 20 ms + 2 ms per item on a one-batch-at-a-time
            device, behind the services' micro-batcher (<= 8 items, <= 2 ms) vs one call per item
  b6        search efficiency (alias: search): solve rate against 16..4096 generated steps for every algorithm
            and best-of-N on the 50 hardest countdown puzzles, slip rates 0 and 0.1; also writes
            DIR/b6-solve-rate.svg. About 5 minutes, so \`all\` runs it only with --quick
  b8        load and faults (alias: faults): searches/s, p50, p99 at 1, 10, 50, 200 concurrent on the NATS
            stack and on serve all, health probed throughout; p99 while one of 3 reward replicas is
            SIGSTOPped, SIGKILLed, and while nats-server restarts, against the same stack without a fault.
            Real processes on loopback, its own nats-server. Several minutes, so \`all\` runs it only with --quick

Options:
  --quick       a short smoke run (seconds; for CI): fewer calls, B2 at t = 0, 10 ms only, B3 on smaller
                trees, B4 with 64 simulations on 2 puzzles at P = 1, 4, B5 with 64 evaluations, B6 on 5 puzzles at 16, 64, 256 steps,
                slip 0
  --out DIR     where to write the JSON results
  --puzzles N   B6 only: the N hardest puzzles (1-100) instead of 50 (5 with --quick)
  -h, --help    show this help

NATS (b1, b2 and b7's sidecars): uses NATS_URL when it answers on a loopback address, else starts nats-server
on a free loopback port.
Targets are printed beside the ratios; a missed target does not fail the command (benchmarks are not tests).
Exit codes: 0 done, 1 a benchmark failed (e.g. B2's or B3's runs built different trees), 2 bad usage.
`;
