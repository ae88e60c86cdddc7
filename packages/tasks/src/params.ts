// The keys a task reads from `problem.params` (a map<string,string> on the wire): any other key is a typo or a
// parameter of another task, and is refused rather than silently ignored.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { didYouMean } from '@arbor/kit/suggest';
import type { ProblemLike } from './task.js';

/** Keys longer than this get no suggestion: no parameter name is this long, and a key may be anything. */
const MAX_SUGGESTED_KEY = 64;

/**
 * Throws InvalidArgumentError on `problem.params` for the first key `task` does not read, naming it (only when it
 * is a short plain name: keys are the caller's data), the closest known key, and all known keys. Values are
 * never shown: they may be problem text.
 */
export function checkParamKeys(problem: ProblemLike, task: string, known: readonly string[]): void {
  for (const key of Object.keys(problem.params)) {
    if (known.includes(key)) continue;
    const hint = key.length <= MAX_SUGGESTED_KEY ? didYouMean(key, known) : '';
    const listed = known.length === 0 ? 'none' : known.join(', ');
    throw new InvalidArgumentError('problem.params', `unknown key ${nameInMessage(key)} for task ${task}${hint}; known: ${listed}`);
  }
}
