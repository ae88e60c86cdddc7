// Task-aware judge prompts: the problem and the steps so far as plain text, then one yes/no question. The
// reference answer of a math problem never goes into a prompt: a judge that is shown the answer is an oracle.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdown, math, type ProblemLike } from '@arbor/tasks';

/** Asked about a partial trajectory by the value service. */
export const VALUE_QUESTION = 'Will this partial solution reach the correct final answer? Answer Yes or No.';
/** Asked once per step by the reward service, about the last step shown. */
export const STEP_QUESTION = 'Is the last step correct? Answer Yes or No.';

/** Tasks the judge can render. */
export const JUDGE_TASKS: readonly string[] = [countdown.TASK_NAME, math.TASK_NAME];

/** Renders the problem and a prefix of its steps; built once per problem, used for every prefix. */
type Transcript = (steps: readonly string[]) => string;

function transcriptOf(problem: ProblemLike): Transcript {
  switch (problem.task) {
    case math.TASK_NAME: {
      const parsed = math.parseProblem(problem);
      return (steps) => {
        const work = steps.length === 0 ? '(no steps yet)' : math.joinSteps(steps, parsed.delimiter);
        return `Problem:\n${parsed.question}\n\nSolution so far:\n${work}\n`;
      };
    }
    case countdown.TASK_NAME: {
      const puzzle = countdown.parseProblem(problem);
      // The same text the embedded backends bill for, so a judge and the embedded models cost alike.
      return (steps) => countdown.renderPrompt(puzzle, steps);
    }
    default:
      throw new InvalidArgumentError('problem.task', `the judge serves ${JUDGE_TASKS.map((t) => `"${t}"`).join(' and ')}, got ${nameInMessage(problem.task)}`);
  }
}

/** Throws InvalidArgumentError naming the field when the judge cannot write prompts for this problem. */
export function checkJudgeProblem(problem: ProblemLike): void {
  transcriptOf(problem);
}

/** The value question about a partial trajectory. */
export function valuePrompt(problem: ProblemLike, steps: readonly string[]): string {
  return `${transcriptOf(problem)(steps)}\n${VALUE_QUESTION}`;
}

/** One prompt per step: the steps up to and including it, then the step question. */
export function stepPrompts(problem: ProblemLike, steps: readonly string[]): string[] {
  const transcript = transcriptOf(problem);
  return steps.map((_, i) => `${transcript(steps.slice(0, i + 1))}\n${STEP_QUESTION}`);
}

/**
 * The problem as a model that reads a question and then steps expects it (a process reward model's user turn):
 * the math question as given, or the countdown rules and numbers in one sentence.
 */
export function problemStatement(problem: ProblemLike): string {
  switch (problem.task) {
    case math.TASK_NAME:
      return math.parseProblem(problem).question;
    case countdown.TASK_NAME: {
      const puzzle = countdown.parseProblem(problem);
      return `Use the numbers ${puzzle.numbers.join(' ')} and basic arithmetic operations (+ - * /) to obtain ${puzzle.target}; each step combines two remaining numbers and lists what is left.`;
    }
    default:
      throw new InvalidArgumentError('problem.task', `expected ${JUDGE_TASKS.map((t) => `"${t}"`).join(' or ')}, got ${nameInMessage(problem.task)}`);
  }
}
