// `arbor solve --task math`: a --question (with an optional --reference answer), a JSON-lines --file of
// problems, or the project's own --samples.
import { math } from '@arbor/tasks';
import { UsageError } from '../usage-error.js';
import { readTextFile } from './countdown.js';
import { checkEntry, shorten, type ProblemEntry } from './entry.js';

const FIELD_FLAGS: Record<string, string> = {
  'problem.question': '--question',
  'problem.params.reference': '--reference',
  'problem.params.delimiter': '--step-delimiter',
  'problem.task': '--task',
};

export interface MathFlags {
  question?: string;
  reference?: string;
  file?: string;
  samples?: boolean;
  'step-delimiter'?: string;
}

export function mathEntry(fields: { id: string; question: string; reference?: string }, delimiter: string | undefined, where: string): ProblemEntry {
  const params: Record<string, string> = {
    ...(fields.reference !== undefined && { reference: fields.reference }),
    ...(delimiter !== undefined && { delimiter }),
  };
  return {
    problem: { task: math.TASK_NAME, id: fields.id, question: fields.question, params },
    label: shorten(fields.question, 40),
    heading: `question ${shorten(fields.question, 200)}${fields.reference !== undefined ? `\nexpected ${fields.reference}` : ''}`,
    verifiable: fields.reference !== undefined,
    json: { id: fields.id, question: fields.question, ...(fields.reference !== undefined && { reference: fields.reference }) },
    where,
  };
}

export async function mathEntries(values: MathFlags): Promise<ProblemEntry[]> {
  const sources = [values.question !== undefined, values.file !== undefined, values.samples === true].filter(Boolean).length;
  if (sources !== 1) throw new UsageError('give exactly one of --question "TEXT", --file problems.jsonl or --samples');
  if (values.reference !== undefined && values.question === undefined) throw new UsageError('--reference goes with --question');
  const delimiter = values['step-delimiter'] === undefined ? undefined : unescapeDelimiter(values['step-delimiter']);

  let entries: ProblemEntry[];
  if (values.question !== undefined) {
    entries = [mathEntry({ id: 'question-1', question: values.question, ...(values.reference !== undefined && { reference: values.reference }) }, delimiter, '')];
  } else if (values.file !== undefined) {
    entries = await readMathFile(values.file, delimiter);
  } else {
    entries = math.SAMPLE_PROBLEMS.map((sample) => mathEntry(sample, delimiter, ''));
  }
  for (const entry of entries) checkEntry(entry, FIELD_FLAGS);
  return entries;
}

/** `--step-delimiter '\n\n'` arrives as backslash-n from a shell; turn the usual escapes into characters. */
export function unescapeDelimiter(raw: string): string {
  return raw.replace(/\\([nrt\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c] ?? c);
}

async function readMathFile(path: string, delimiter: string | undefined): Promise<ProblemEntry[]> {
  const text = await readTextFile(path);
  const entries: ProblemEntry[] = [];
  text.split('\n').forEach((line, i) => {
    const where = `${path}:${i + 1}`;
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UsageError(`${where}: expected one JSON object per line, e.g. {"question": "...", "reference": "42"}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`${where}: expected an object with a "question" string`);
    }
    const record = parsed as Record<string, unknown>;
    // GSM8K and MATH files work as they are: their question is "question" or "problem".
    const question = record.question ?? record.problem;
    if (typeof question !== 'string') throw new UsageError(`${where}: expected an object with a "question" string`);
    const reference = referenceOf(record, where);
    const id = typeof record.id === 'string' || typeof record.id === 'number' ? String(record.id) : `problem-${entries.length + 1}`;
    entries.push(mathEntry({ id, question, ...(reference !== undefined && { reference }) }, delimiter, where));
  });
  if (entries.length === 0) throw new UsageError(`--file: "${path}" holds no problems`);
  return entries;
}

/**
 * The expected answer of a file line: "reference" as given, else the final answer inside a worked solution —
 * GSM8K's "answer" ends with "#### 72", MATH's "solution" holds \boxed{...} — never the whole solution text.
 */
function referenceOf(record: Record<string, unknown>, where: string): string | undefined {
  const given = record.reference;
  if (given !== undefined) {
    if (typeof given !== 'string' && typeof given !== 'number') throw new UsageError(`${where}: "reference" must be a string or a number`);
    return String(given);
  }
  for (const field of ['answer', 'solution'] as const) {
    const value = record[field];
    if (value === undefined) continue;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') throw new UsageError(`${where}: "${field}" must be a string or a number`);
    // A bare answer ("72", "\frac{1}{2}") is its own reference; a worked solution must state its final answer.
    if (!/\n|####|\\boxed|\\fbox|answer is|final answer/i.test(value)) return value.trim();
    // Marked answers only: a reference guessed from the last number of a solution could be wrong.
    const final = math.extractAnswer(value, { unmarked: false });
    if (final === undefined) throw new UsageError(`${where}: found no final answer in "${field}" (expected "#### 72", \\boxed{...} or "The answer is ...")`);
    return final;
  }
  return undefined;
}
