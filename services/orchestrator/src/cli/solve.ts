// `arbor solve`: one puzzle (--numbers) or a file of them (--file), on the embedded stack or a --server.
import { readFile } from 'node:fs/promises';
import type { SearchRequest } from '@arbor/contracts';
import { getTask } from '@arbor/tasks';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { ALGORITHMS, ALGORITHM_NAMES, DEFAULT_ALGORITHM, algorithmOneof, type AlgorithmName } from '../algorithms.js';
import { parseAlgorithmParams } from './algorithm-params.js';
import { choiceFlag, integerFlag, numberFlag, parseFlags } from './args.js';
import type { CliIO } from './io.js';
import { progressBar } from './progress.js';
import { describeOne, summaryTable, toJson, type Puzzle, type SolvedPuzzle } from './report.js';
import { localSearcher, remoteSearcher, type Searcher } from './searcher.js';
import { UsageError } from './usage-error.js';

export const TASKS = ['countdown'] as const;

export const SOLVE_FLAGS = {
  task: { type: 'string' },
  numbers: { type: 'string' },
  target: { type: 'string' },
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
  slipRate?: number;
  concurrency: number;
  json: boolean;
}

/** Reads the flags every puzzle shares. */
export function readSolveSettings(values: Record<string, string | boolean | string[] | undefined>): SolveSettings {
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
    params: parseAlgorithmParams(ALGORITHMS[algo].message, (values.param as string[] | undefined) ?? []),
    budget: integerFlag('budget', str('budget'), 1, 4_294_967_295),
    deadlineMs: integerFlag('deadline-ms', str('deadline-ms'), 1, 3_600_000),
    maxTokens: integerFlag('max-tokens', str('max-tokens'), 1, 4_294_967_295),
    maxSteps: integerFlag('max-steps', str('max-steps'), 1, 4_294_967_295),
    seed: integerFlag('seed', str('seed'), 0, Number.MAX_SAFE_INTEGER) ?? 1,
    ...(server !== undefined && { server }),
    ...(slipRate !== undefined && { slipRate }),
    concurrency: integerFlag('concurrency', str('concurrency'), 1, 64) ?? 1,
    json: values.json === true,
  };
}

const FIELD_FLAGS: Record<string, string> = {
  'problem.question': '--numbers',
  'problem.params.target': '--target',
  'problem.task': '--task',
};

/** Checks a puzzle with the task's own validator, reporting the flag (or file line) instead of the proto field. */
export function checkPuzzle(task: string, puzzle: Puzzle, where: string): void {
  try {
    getTask(task).validateProblem({ task, question: puzzle.numbers, params: { target: String(puzzle.target) } });
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      const flag = where || FIELD_FLAGS[err.field] || err.field;
      throw new UsageError(`${flag}: ${err.message.slice(err.field.length + 2)}`);
    }
    throw err;
  }
}

export function buildRequest(task: string, puzzle: Puzzle, settings: SolveSettings, index: number): SearchRequest {
  return {
    problem: { task, id: `puzzle-${index + 1}`, question: puzzle.numbers, params: { target: String(puzzle.target) } },
    ...algorithmOneof(settings.algo, settings.params),
    budget: {
      ...(settings.budget !== undefined && { maxExpansions: settings.budget }),
      ...(settings.deadlineMs !== undefined && { deadlineMs: settings.deadlineMs }),
      ...(settings.maxTokens !== undefined && { maxTokens: settings.maxTokens }),
      ...(settings.maxSteps !== undefined && { maxGeneratedSteps: settings.maxSteps }),
    },
    // Each puzzle of a file gets its own seed (S, S+1, ...): the runs stay reproducible without reusing one
    // random stream for every puzzle.
    seed: String(settings.seed + index),
  };
}

export async function readPuzzleFile(path: string, target: number): Promise<{ puzzle: Puzzle; where: string }[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--file: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const puzzles = text
    .split('\n')
    .map((line, i) => ({ line: line.replace(/#.*/, '').trim(), where: `${path}:${i + 1}` }))
    .filter(({ line }) => line !== '')
    .map(({ line, where }) => ({ puzzle: { numbers: line.split(/[\s,]+/).join(' '), target }, where }));
  if (puzzles.length === 0) throw new UsageError(`--file: "${path}" holds no puzzles`);
  return puzzles;
}

/** Runs every puzzle with at most `concurrency` searches at once; results keep the input order. */
export async function runPuzzles(
  searcher: Searcher,
  requests: SearchRequest[],
  concurrency: number,
  onDone: (index: number, result: SolvedPuzzle['result']) => void,
): Promise<SolvedPuzzle['result'][]> {
  const results: SolvedPuzzle['result'][] = new Array(requests.length);
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
    return remoteSearcher(settings.server, (settings.deadlineMs ?? 600_000) + 5_000);
  }
  return localSearcher({
    ...io.env,
    ...(settings.slipRate !== undefined && { ARBOR_POLICY_SLIP_RATE: String(settings.slipRate) }),
  });
}

export async function solvePuzzles(
  task: string,
  puzzles: Puzzle[],
  settings: SolveSettings,
  io: CliIO,
): Promise<SolvedPuzzle[]> {
  const searcher = makeSearcher(settings, io);
  const progress = settings.json || puzzles.length === 1 ? progressBar(io.stderr, 0) : progressBar(io.stderr, puzzles.length);
  try {
    const requests = puzzles.map((puzzle, i) => buildRequest(task, puzzle, settings, i));
    const results = await runPuzzles(searcher, requests, settings.concurrency, (i, result) => {
      progress.tick(puzzles[i]!.numbers);
      if (settings.json) io.stdout.write(`${JSON.stringify(toJson({ puzzle: puzzles[i]!, result }))}\n`);
    });
    progress.done();
    return puzzles.map((puzzle, i) => ({ puzzle, result: results[i]! }));
  } finally {
    await searcher.close();
  }
}

export async function solveCommand(args: string[], io: CliIO): Promise<number> {
  const { values } = parseFlags(args, SOLVE_FLAGS);
  if (values.help) {
    io.stdout.write(SOLVE_HELP);
    return 0;
  }
  const task = choiceFlag('task', values.task, TASKS) ?? 'countdown';
  const settings = readSolveSettings(values);
  const target = integerFlag('target', values.target, -1_000_000_000, 1_000_000_000) ?? 24;
  if ((values.numbers === undefined) === (values.file === undefined)) {
    throw new UsageError('give exactly one of --numbers "4 9 10 13" or --file puzzles.txt');
  }

  let entries: { puzzle: Puzzle; where: string }[];
  if (values.numbers !== undefined) {
    entries = [{ puzzle: { numbers: values.numbers.trim().split(/[\s,]+/).join(' '), target }, where: '' }];
    if (values.numbers.trim() === '') throw new UsageError('--numbers: the puzzle is empty; give 2 to 6 positive integers');
  } else {
    entries = await readPuzzleFile(values.file!, target);
  }
  for (const { puzzle, where } of entries) checkPuzzle(task, puzzle, where);

  const started = performance.now();
  const solved = await solvePuzzles(task, entries.map((e) => e.puzzle), settings, io);
  if (settings.json) return 0;
  if (solved.length === 1) io.stdout.write(`${describeOne(solved[0]!)}\n`);
  else io.stdout.write(`${summaryTable(solved, performance.now() - started)}\n`);
  return 0;
}

export const SOLVE_HELP = `Usage: arbor solve (--numbers "4 9 10 13" | --file puzzles.txt) [options]

Solves countdown puzzles (Game of 24 by default) by tree search. Without --server it runs the whole
Arbor stack in this process on the embedded models; with it, it asks a running orchestrator.

Options:
  --task countdown        task domain (only countdown for now)
  --numbers "A B C D"     2 to 6 positive integers
  --target N              integer target (default 24)
  --file PATH             one puzzle per line, numbers separated by spaces; # starts a comment
  --algo NAME             ${ALGORITHM_NAMES.join(', ')} (default ${DEFAULT_ALGORITHM})
  --param NAME=VALUE      an algorithm parameter, as named in its proto message (repeatable), e.g.
                          --algo beam --param beam_width=8 --param aggregation=min
  --budget N              at most N expansions (policy calls) per puzzle
  --deadline-ms N         wall-clock limit per puzzle (server default 120000)
  --max-tokens N          token limit per puzzle (input + output)
  --max-steps N           limit on generated steps per puzzle
  --seed S                search seed (default 1; puzzle i of a file uses S+i); the same seed gives the same tree
  --server HOST:PORT      a running orchestrator (arbor serve orchestrator|all)
  --slip-rate R           embedded policy's chance of an arithmetic slip per step, 0..1 (default 0)
  --concurrency N         puzzles searched at once with --file (default 1)
  --json                  one JSON object per puzzle on stdout
`;
