// The prompt of a math problem: solve step by step, one step per delimiter, the final answer in \boxed{}.
import type { PromptParts } from './prompt.js';

/** Names the delimiter in words, since a model reads "a blank line" better than an escaped "\n\n". */
export function describeDelimiter(delimiter: string): string {
  if (delimiter === '\n\n') return 'a blank line';
  if (delimiter === '\n') return 'a line break';
  return `the marker ${JSON.stringify(delimiter)}`;
}

export function mathInstruction(delimiter: string): string {
  return (
    'Solve the math problem step by step. Keep each step short and self-contained, and separate the steps with ' +
    `${describeDelimiter(delimiter)}. When you reach the result, write it in the last step as \\boxed{answer}.`
  );
}

export function mathPromptParts(question: string, steps: readonly string[], delimiter: string, systemPrompt: string): PromptParts {
  return {
    instruction: systemPrompt || mathInstruction(delimiter),
    problem: `Question: ${question}`,
    steps,
    delimiter,
    askFirst: 'Write only the first step of the solution.',
    askNext: 'Write only the next step of the solution, without repeating the steps so far.',
  };
}
