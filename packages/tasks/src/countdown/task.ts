// Countdown as a registry task: the four hooks the orchestrator uses (validation, verdict, vote key, state key).
import type { TaskDefinition } from '../task.js';
import { checkAnswer } from './answer.js';
import { parseProblem, TASK_NAME } from './problem.js';
import { replay } from './replay.js';
import { stateKey } from './state.js';

export const countdownTask: TaskDefinition = {
  name: TASK_NAME,
  validateProblem(problem) {
    parseProblem(problem);
  },
  verifyAnswer(problem, answer) {
    return checkAnswer(parseProblem(problem), answer).correct;
  },
  // A wrong but legal expression still gets its value as key, so votes among wrong answers stay meaningful;
  // answers that misuse the numbers or do not parse all collapse into 'invalid'.
  answerKey(problem, answer) {
    return checkAnswer(parseProblem(problem), answer).value ?? 'invalid';
  },
  // Valid trajectories merge by their remaining numbers (`4 4 10`); an invalid one has no trustworthy state, so it
  // is keyed by its own text and merges only with an identical trajectory.
  stateKey(problem, steps) {
    const result = replay(parseProblem(problem), steps);
    return result.failure === null ? stateKey(result.state) : `invalid:${steps.join('\n')}`;
  },
};
