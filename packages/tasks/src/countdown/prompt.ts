// The text an LLM would be given for a countdown state. The embedded backends render it only to estimate input
// tokens, so their usage numbers are comparable with a real model's.
import type { CountdownPuzzle } from './problem.js';

export function renderPrompt(puzzle: CountdownPuzzle, steps: readonly string[]): string {
  const lines = [
    `Use the numbers and basic arithmetic operations (+ - * /) to obtain ${puzzle.target}.`,
    'Each step combines two remaining numbers and lists what is left, e.g. "13 - 9 = 4 (left: 4 4 10)".',
    `Input: ${puzzle.numbers.join(' ')}`,
    'Steps:',
    ...steps,
  ];
  return `${lines.join('\n')}\n`;
}
