// `arbor solve --task countdown`: puzzles from --numbers/--target or a file of one puzzle per line.
import { readFile } from 'node:fs/promises';
import { UsageError } from '../usage-error.js';
import { checkEntry, type ProblemEntry } from './entry.js';

const FIELD_FLAGS: Record<string, string> = {
  'problem.question': '--numbers',
  'problem.params.target': '--target',
  'problem.task': '--task',
};

export function countdownEntry(numbers: string, target: number, where: string, index: number): ProblemEntry {
  return {
    problem: { task: 'countdown', id: `puzzle-${index + 1}`, question: numbers, params: { target: String(target) } },
    label: numbers,
    heading: `puzzle   ${numbers} -> ${target}`,
    json: { puzzle: numbers, target },
    verifiable: true,
    where,
  };
}

export async function countdownEntries(values: { numbers?: string; file?: string }, target: number): Promise<ProblemEntry[]> {
  if ((values.numbers === undefined) === (values.file === undefined)) {
    throw new UsageError('give exactly one of --numbers "4 9 10 13" or --file puzzles.txt');
  }
  let entries: ProblemEntry[];
  if (values.numbers !== undefined) {
    if (values.numbers.trim() === '') throw new UsageError('--numbers: the puzzle is empty; give 2 to 6 positive integers');
    entries = [countdownEntry(values.numbers.trim().split(/[\s,]+/).join(' '), target, '', 0)];
  } else {
    entries = await readCountdownFile(values.file!, target);
  }
  for (const entry of entries) checkEntry(entry, FIELD_FLAGS);
  return entries;
}

async function readCountdownFile(path: string, target: number): Promise<ProblemEntry[]> {
  const text = await readTextFile(path);
  const entries = text
    .split('\n')
    .map((line, i) => ({ line: line.replace(/#.*/, '').trim(), where: `${path}:${i + 1}` }))
    .filter(({ line }) => line !== '')
    .map(({ line, where }, index) => countdownEntry(line.split(/[\s,]+/).join(' '), target, where, index));
  if (entries.length === 0) throw new UsageError(`--file: "${path}" holds no puzzles`);
  return entries;
}

export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`--file: cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
