// Per task: the prompt, the stop strings, and how a generated step is judged. The rest of the backend is task-free.
import type { Problem__Output } from '@arbor/contracts';
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdown, math } from '@arbor/tasks';
import { COUNTDOWN_DELIMITER, countdownPromptParts } from './countdown-prompt.js';
import { judgeCountdownStep } from './countdown-steps.js';
import type { Generation } from './generations.js';
import type { Judged } from './judged.js';
import { mathPromptParts } from './math-prompt.js';
import { judgeMathStep } from './math-steps.js';
import { renderPrompt, type Prompt, type PromptStyle } from './prompt.js';

export const SUPPORTED_TASKS: readonly string[] = [math.TASK_NAME, countdown.TASK_NAME];

export interface TaskPlan {
  prompt: Prompt;
  /** The task's step delimiter, the stop string when a request names none. */
  stop: string[];
  /** True when no step can follow the prefix (countdown with one number left): nothing is asked of the server. */
  finished: boolean;
  judge(generation: Generation, stops: readonly string[]): Judged;
}

export function planFor(problem: Problem__Output, steps: readonly string[], style: PromptStyle, systemPrompt: string): TaskPlan {
  switch (problem.task) {
    case math.TASK_NAME: {
      const { question, delimiter } = math.parseProblem(problem);
      const continues = style !== 'chat';
      return {
        prompt: renderPrompt(mathPromptParts(question, steps, delimiter, systemPrompt), style),
        stop: [delimiter],
        finished: false,
        judge: (generation, stops) => judgeMathStep(generation, stops, continues),
      };
    }
    case countdown.TASK_NAME: {
      const puzzle = countdown.parseProblem(problem);
      // Like the embedded policy, build on what the last step claims, even if an earlier step slipped.
      const state = countdown.claimedState(puzzle, steps);
      return {
        prompt: renderPrompt(countdownPromptParts(puzzle, steps, systemPrompt), style),
        stop: [COUNTDOWN_DELIMITER],
        finished: state.length < 2,
        judge: (generation) => judgeCountdownStep(puzzle, state, steps, generation),
      };
    }
    default:
      throw new InvalidArgumentError('problem.task', `the openai policy serves ${SUPPORTED_TASKS.map((t) => `"${t}"`).join(' and ')}, got ${nameInMessage(problem.task)}`);
  }
}
