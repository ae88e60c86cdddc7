// One problem as `arbor solve` handles it: the wire problem, how to show it, and where it came from.
import type { Problem } from '@arbor/contracts';
import { getTask } from '@arbor/tasks';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { UsageError } from '../usage-error.js';

export interface ProblemEntry {
  problem: Required<Pick<Problem, 'task' | 'id' | 'question'>> & { params: Record<string, string> };
  /** Short form for tables and progress, e.g. "4 9 10 13" or the start of a question. */
  label: string;
  /** First line of the one-problem report, e.g. "puzzle   4 9 10 13 -> 24". */
  heading: string;
  /** The problem's fields as `--json` prints them (countdown: puzzle, target; math: id, question, reference). */
  json: Record<string, string | number>;
  /** False when the answer cannot be checked (a math problem without a reference answer). */
  verifiable: boolean;
  /** '' for flags, else "file:line", so a bad entry is reported where the user can fix it. */
  where: string;
}

/**
 * Checks an entry with the task's own validator and reports the mistake against the flag (or file line) the
 * user wrote, via `flags` (proto field -> flag), instead of the proto field name.
 */
export function checkEntry(entry: ProblemEntry, flags: Record<string, string>): void {
  try {
    getTask(entry.problem.task).validateProblem(entry.problem);
  } catch (err) {
    if (err instanceof InvalidArgumentError) {
      const where = entry.where || flags[err.field] || err.field;
      throw new UsageError(`${where}: ${err.message.slice(err.field.length + 2)}`);
    }
    throw err;
  }
}

/** The first `max` characters of a text on one line, for tables. */
export function shorten(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}
