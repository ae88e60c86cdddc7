// `arbor solve`: one puzzle (--numbers) or a file of them (--file), on the embedded stack or a --server.
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { SearchRequest } from '@arbor/contracts';
import { ALGORITHMS, ALGORITHM_NAMES, DEFAULT_ALGORITHM, algorithmOneof, type AlgorithmName } from '@arbor/orchestrator';
import { parseAlgorithmParams } from './algorithm-params.js';
import { choiceFlag, integerFlag, numberFlag, parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { progressBar } from './progress.js';
import { countdownEntries } from './problems/countdown.js';
import type { ProblemEntry } from './problems/entry.js';
import { mathEntries } from './problems/math.js';
import { describeOne, summaryTable, toJson, type SolvedProblem } from './report.js';
import { CONNECTION_FLAGS, CONNECTION_HELP, readConnection, type Connection } from './connection.js';
import { localSearcher, remoteSearcher, type Searcher } from './searcher.js';
import { UsageError } from './usage-error.js';

export const TASKS = ['countdown', 'math'] as const;

type SolveValues = ReturnType<typeof parseFlags<typeof SOLVE_FLAGS>>['values'];

/** The problems the flags name, each checked by its task; flags of the other task are refused. */
export async function readEntries(task: (typeof TASKS)[number], values: SolveValues): Promise<ProblemEntry[]> {
  const foreign = task === 'countdown' ? MATH_ONLY_FLAGS : COUNTDOWN_ONLY_FLAGS;
  for (const flag of foreign) {
    if (values[flag as keyof SolveValues] !== undefined) throw new UsageError(`--${flag} does not apply to --task ${task}`);
  }
  if (task === 'math') return mathEntries(values);
  const target = integerFlag('target', values.target, -1_000_000_000, 1_000_000_000) ?? 24;
  return countdownEntries(values, target);
}

const MATH_ONLY_FLAGS = ['question', 'reference', 'samples', 'step-delimiter'];
const COUNTDOWN_ONLY_FLAGS = ['numbers', 'target'];

export const SOLVE_FLAGS = {
  task: { type: 'string' },
  numbers: { type: 'string' },
  target: { type: 'string' },
  question: { type: 'string' },
  reference: { type: 'string' },
  samples: { type: 'boolean' },
  'step-delimiter': { type: 'string' },
  file: { type: 'string' },
  algo: { type: 'string' },
  param: { type: 'string', multiple: true },
  budget: { type: 'string' },
  'deadline-ms': { type: 'string' },
  'max-tokens': { type: 'string' },
  'max-steps': { type: 'string' },
  seed: { type: 'string' },
  server: { type: 'string' },
  'slip-rate': { type: 'string' },
  concurrency: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  ...CONNECTION_FLAGS,
  help: { type: 'boolean', short: 'h' },
} as const;

export interface SolveSettings {
  algo: AlgorithmName;
  /** Fields of the algorithm's proto message, from --param name=value. */
  params: Record<string, number | boolean | string>;
  budget?: number;
  deadlineMs?: number;
  maxTokens?: number;
  maxSteps?: number;
  seed: number;
  server?: string;
  /** How to reach --server. */
  connection: Connection;
  slipRate?: number;
  concurrency: number;
  json: boolean;
}

/** Reads the flags every puzzle shares. */
export function readSolveSettings(values: Record<string, string | boolean | string[] | undefined>, env: CliIO['env'] = {}): SolveSettings {
  const str = (name: string) => values[name] as string | undefined;
  const server = str('server');
  if (server !== undefined && !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(server)) {
    throw new UsageError(`--server: expected HOST:PORT, got "${server}"`);
  }
  const slipRate = numberFlag('slip-rate', str('slip-rate'), 0, 1);
  if (server !== undefined && slipRate !== undefined) {
    throw new UsageError('--slip-rate configures the embedded policy and has no effect with --server');
  }
  const algo = choiceFlag('algo', str('algo'), ALGORITHM_NAMES) ?? DEFAULT_ALGORITHM;
  return {
    algo,
    params: parseAlgorithmParams(algo, ALGORITHMS, (values.param as string[] | undefined) ?? []),
    budget: integerFlag('budget', str('budget'), 1, 4_294_967_295),
    deadlineMs: integerFlag('deadline-ms', str('deadline-ms'), 1, 3_600_000),
    maxTokens: integerFlag('max-tokens', str('max-tokens'), 1, 4_294_967_295),
    maxSteps: integerFlag('max-steps', str('max-steps'), 1, 4_294_967_295),
    seed: integerFlag('seed', str('seed'), 0, Number.MAX_SAFE_INTEGER) ?? 1,
    ...(server !== undefined && { server }),
    connection: readConnection(values, env),
    ...(slipRate !== undefined && { slipRate }),
    concurrency: integerFlag('concurrency', str('concurrency'), 1, 64) ?? 1,
    json: values.json === true,
  };
}

export function buildRequest(entry: ProblemEntry, settings: SolveSettings, index: number): SearchRequest {
  return {
    problem: entry.problem,
    ...algorithmOneof(settings.algo, settings.params),
    budget: {
      ...(settings.budget !== undefined && { maxExpansions: settings.budget }),
      ...(settings.deadlineMs !== undefined && { deadlineMs: settings.deadlineMs }),
      ...(settings.maxTokens !== undefined && { maxTokens: settings.maxTokens }),
      ...(settings.maxSteps !== undefined && { maxGeneratedSteps: settings.maxSteps }),
    },
    // Each problem of a file gets its own seed (S, S+1, ...): the runs stay reproducible without reusing one
    // random stream for every problem.
    seed: String(settings.seed + index),
  };
}

/** Runs every problem with at most `concurrency` searches at once; results keep the input order. */
export async function runProblems(
  searcher: Searcher,
  requests: SearchRequest[],
  concurrency: number,
  onDone: (index: number, result: SolvedProblem['result']) => void,
): Promise<SolvedProblem['result'][]> {
  const results: SolvedProblem['result'][] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const result = await searcher.search(requests[index]!);
      results[index] = result;
      onDone(index, result);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  return results;
}

export function makeSearcher(settings: SolveSettings, io: CliIO): Searcher {
  if (settings.server) {
    // The call outlives the search's own deadline a little, so the server's answer (with its stop reason) arrives.
    return remoteSearcher(settings.server, (settings.deadlineMs ?? 600_000) + 5_000, settings.connection);
  }
  return localSearcher({
    ...io.env,
    ...(settings.slipRate !== undefined && { ARBOR_POLICY_SLIP_RATE: String(settings.slipRate) }),
  });
}

/** Called as each problem finishes, in the order they finish. */
export type OnSolved = (index: number, solved: SolvedProblem) => void;

export async function solveProblems(entries: ProblemEntry[], settings: SolveSettings, io: CliIO, onSolved?: OnSolved): Promise<SolvedProblem[]> {
  const searcher = makeSearcher(settings, io);
  const progress = settings.json || entries.length === 1 ? progressBar(io.stderr, 0) : progressBar(io.stderr, entries.length);
  try {
    const requests = entries.map((entry, i) => buildRequest(entry, settings, i));
    const results = await runProblems(searcher, requests, settings.concurrency, (i, result) => {
      progress.tick(entries[i]!.label);
      if (settings.json) io.stdout.write(`${JSON.stringify(toJson({ entry: entries[i]!, result }))}\n`);
      onSolved?.(i, { entry: entries[i]!, result });
    });
    progress.done();
    return entries.map((entry, i) => ({ entry, result: results[i]! }));
  } finally {
    await searcher.close();
  }
}

/** `--out FILE`: one JSON line per problem as it finishes, with the input line it came from, appended. */
function resultWriter(path: string | undefined): OnSolved | undefined {
  if (path === undefined) return undefined;
  try {
    // Opened (and made) now, so that a path that cannot be written fails before any search runs.
    closeSync(openSync(path, 'a'));
  } catch (err) {
    throw new UsageError(`--out: cannot write "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return (_index, solved) => {
    const line = /:(\d+)$/.exec(solved.entry.where)?.[1];
    appendFileSync(path, `${JSON.stringify({ ...(line !== undefined && { input_line: Number(line) }), ...toJson(solved) })}\n`);
  };
}

/**
 * Ctrl-C during a run of several problems: what finished is printed (the table and summary, or nothing more with
 * --json, whose lines are out already) with a line saying what was not run, and the command exits 130 at once.
 * A second Ctrl-C is not needed; the searches in flight are abandoned.
 */
function reportOnInterrupt(entries: ProblemEntry[], settings: SolveSettings, io: CliIO, finished: Map<number, SolvedProblem>, started: number): () => void {
  const onSigint = () => {
    const done = [...finished.entries()].sort(([a], [b]) => a - b).map(([, solved]) => solved);
    if (!settings.json && done.length > 0) io.stdout.write(`${summaryTable(done, performance.now() - started)}\n`);
    io.stderr.write(`\narbor: interrupted: ${done.length} of ${entries.length} problems finished${done.length > 0 && !settings.json ? ' (above)' : ''}; the other ${entries.length - done.length} were not finished\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  return () => process.off('SIGINT', onSigint);
}

export async function solveCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, SOLVE_FLAGS);
  if (values.help) {
    io.stdout.write(SOLVE_HELP);
    return 0;
  }
  const task = choiceFlag('task', values.task, TASKS) ?? 'countdown';
  const settings = readSolveSettings(values, io.env);
  const entries = await readEntries(task, values);

  const writeResult = resultWriter(values.out);
  const started = performance.now();
  const finished = new Map<number, SolvedProblem>();
  const stopReporting = entries.length > 1 ? reportOnInterrupt(entries, settings, io, finished, started) : () => undefined;
  let solved: SolvedProblem[];
  try {
    solved = await solveProblems(entries, settings, io, (i, result) => {
      finished.set(i, result);
      writeResult?.(i, result);
    });
  } finally {
    stopReporting();
  }
  if (settings.json) return 0;
  if (solved.length === 1) io.stdout.write(`${describeOne(solved[0]!)}\n`);
  else io.stdout.write(`${summaryTable(solved, performance.now() - started)}\n`);
  return 0;
}

export const SOLVE_HELP = `Usage: arbor solve (--numbers "4 9 10 13" | --file puzzles.txt) [options]
       arbor solve --task math (--question "TEXT" [--reference ANSWER] | --file problems.jsonl | --samples) [options]

Solves problems by tree search. Without --server it runs the whole Arbor stack in this process, on the
backends the ARBOR_POLICY_*, ARBOR_VALUE_* and ARBOR_REWARD_* variables choose (the embedded countdown
models by default; math needs real ones, see the README); with --server it asks a running orchestrator.

Problems:
  --task countdown|math   task domain (default countdown)
  --numbers "A B C D"     countdown: 2 to 6 positive integers
  --target N              countdown: integer target (default 24)
  --question "TEXT"       math: a word problem
  --reference ANSWER      math: its expected final answer, to verify the one found
  --samples               math: the project's sample problems (with references)
  --step-delimiter S      math: what separates reasoning steps (default a blank line, "\\n\\n")
  --file PATH             countdown: one puzzle per line, # starts a comment;
                          math: one JSON object per line, {"question": "...", "reference": "42"};
                          GSM8K ("answer": "... #### 42") and MATH ("problem", "solution" with \\boxed{})
                          lines work as they are

Search:
  --algo NAME             ${ALGORITHM_NAMES.join(', ')} (default ${DEFAULT_ALGORITHM})
  --param NAME=VALUE      an algorithm parameter, as named in its proto message (repeatable), e.g.
                          --algo beam --param beam_width=8 --param aggregation=min
  --budget N              at most N expansions (policy calls) per problem
  --deadline-ms N         wall-clock limit per problem (server default 120000)
  --max-tokens N          token limit per problem (input + output)
  --max-steps N           limit on generated steps per problem
  --seed S                search seed (default 1; problem i of a file uses S+i); the same seed gives the same tree
  --server HOST:PORT      a running orchestrator (arbor serve orchestrator|all)
  --slip-rate R           embedded policy's chance of an arithmetic slip per step, 0..1 (default 0)
  --concurrency N         problems searched at once with --file or --samples (default 1)
  --json                  one JSON object per problem on stdout
  --out FILE              also append one JSON line per problem to FILE as each finishes, with its input line
                          (Ctrl-C during a run prints what finished and exits 130)

${CONNECTION_HELP}`;
