// `arbor demo` (what `npm start` runs): the embedded stack on the hardest generated Game-of-24 puzzles.
import { countdown } from '@arbor/tasks';
import { integerFlag, parseFlags } from './args.js';
import { UsageError } from './usage-error.js';
import type { CliIO } from './io.js';
import { summaryTable } from './report.js';
import { countdownEntry } from './problems/countdown.js';
import { readSolveSettings, solveProblems, SOLVE_FLAGS } from './solve.js';

const DEMO_FLAGS = {
  ...SOLVE_FLAGS,
  count: { type: 'string' },
} as const;

/** Solve flags that choose the problems: the demo has its own, so these would be silently ignored. */
const PROBLEM_FLAGS = ['task', 'numbers', 'target', 'file', 'question', 'reference', 'samples', 'step-delimiter'] as const;

export const DEMO_DEFAULT_COUNT = 100;

export async function demoCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, DEMO_FLAGS);
  if (values.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }
  for (const flag of PROBLEM_FLAGS) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag}: arbor demo solves its own countdown puzzles; use arbor solve for your problems`);
  }
  const available = countdown.bundledHardestPuzzles();
  const count = integerFlag('count', values.count, 1, available.length) ?? Math.min(DEMO_DEFAULT_COUNT, available.length);
  const settings = readSolveSettings(values, io.env);
  const entries = available.slice(0, count).map((numbers, i) => countdownEntry(numbers.join(' '), 24, '', i));

  if (!settings.json) {
    io.stdout.write(
      `Arbor demo: ${settings.algo} search over the ${count} hardest of the 1362 solvable Game-of-24 puzzles,\n` +
        `on the embedded models (${settings.server ? `orchestrator at ${settings.server}` : 'whole stack in this process'}).\n\n`,
    );
  }
  const started = performance.now();
  const solved = await solveProblems(entries, settings, io);
  if (!settings.json) io.stdout.write(`${summaryTable(solved, performance.now() - started)}\n`);
  return 0;
}

export const DEMO_HELP = `Usage: arbor demo [--count N] [solve options]

Solves the N hardest generated Game-of-24 puzzles (default ${DEMO_DEFAULT_COUNT}) and prints a results table.
Takes the same options as arbor solve (--algo, --budget, --seed, --server, --slip-rate, --json, ...).
`;
