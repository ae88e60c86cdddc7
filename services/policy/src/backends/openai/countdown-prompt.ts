// The propose prompt of a countdown puzzle, in the step format the countdown checker reads: `a op b = c (left: ...)`.
import { countdown } from '@arbor/tasks';
import type { PromptParts } from './prompt.js';

/** Steps are one line each. */
export const COUNTDOWN_DELIMITER = '\n';

// A worked example teaches the format better than a description; its puzzle is fixed and unrelated to the request.
const EXAMPLE = [
  'Input: 1 2 3 4',
  'Target: 24',
  '4 * 3 = 12 (left: 1 2 12)',
  '12 * 2 = 24 (left: 1 24)',
  '24 * 1 = 24 (left: 24)',
].join('\n');

export function countdownInstruction(target: number): string {
  return (
    `Use the input numbers and + - * / to reach the target (here ${target}). Each step combines two of the numbers ` +
    'left into one and lists the numbers left after it, in exactly this form: "a op b = c (left: ...)". ' +
    'Write one step per line, with no other text, until one number is left.'
  );
}

export function countdownPromptParts(puzzle: countdown.CountdownPuzzle, steps: readonly string[], systemPrompt: string): PromptParts {
  return {
    instruction: `${systemPrompt || countdownInstruction(puzzle.target)}\n\nExample:\n${EXAMPLE}`,
    problem: `Input: ${puzzle.numbers.join(' ')}\nTarget: ${puzzle.target}`,
    steps,
    delimiter: COUNTDOWN_DELIMITER,
    askFirst: 'Write only the first step, as one line "a op b = c (left: ...)".',
    askNext: 'Write only the next step, as one line "a op b = c (left: ...)".',
  };
}
