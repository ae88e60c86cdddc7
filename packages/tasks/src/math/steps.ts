// Solutions as lists of steps: splitting generated text on the step delimiter, joining it back, the final answer.
import { InvalidArgumentError } from '@arbor/kit/errors';
import { extractAnswer } from './extract.js';
import { DEFAULT_STEP_DELIMITER } from './problem.js';

/** The steps of `text`: split on `delimiter` (taken literally), each trimmed, empty ones dropped. */
export function splitSteps(text: string, delimiter: string = DEFAULT_STEP_DELIMITER): string[] {
  // Splitting on '' would make every character a step.
  if (delimiter === '') throw new InvalidArgumentError('delimiter', 'must be non-empty');
  return text
    .split(delimiter)
    .map((step) => step.trim())
    .filter((step) => step !== '');
}

/** The solution text of `steps`, separated by `delimiter`; splitSteps reads it back when steps are trimmed. */
export function joinSteps(steps: readonly string[], delimiter: string = DEFAULT_STEP_DELIMITER): string {
  return steps.join(delimiter);
}

/**
 * The final answer of a trajectory: the answer its last step marks as such (a box, "The answer is", "Final
 * Answer:", "####"), else undefined. Earlier steps are not read, so an intermediate "\boxed{}" does not end a
 * trajectory that went on. Unmarked math and numbers are not read: nearly every step has some ("3 + 4 = 7"), and
 * this answer decides whether a trajectory is finished (the reward service's isFinished) and what is verified.
 */
export function finalAnswer(steps: readonly string[]): string | undefined {
  const last = steps.at(-1);
  return last === undefined ? undefined : extractAnswer(last, { unmarked: false });
}
