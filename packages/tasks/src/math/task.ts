// Math as a registry task: the hooks the orchestrator uses (validation, verdict, vote keys, state key).
import type { TaskDefinition } from '../task.js';
import { answersEquivalent } from './grader/grade.js';
import { equivalenceKeys } from './grader/grouping.js';
import { normalizeAnswer } from './normalize.js';
import { parseProblem, TASK_NAME } from './problem.js';

export const mathTask: TaskDefinition = {
  name: TASK_NAME,
  validateProblem(problem) {
    parseProblem(problem);
  },
  // Without a reference an answer cannot be verified, so it is never called correct.
  verifyAnswer(problem, answer) {
    const { reference } = parseProblem(problem);
    return reference !== undefined && answersEquivalent(answer, reference);
  },
  // Wrong answers keep their canonical form as key, so votes among them stay meaningful; only an empty answer
  // (or one that normalises to nothing, such as "$$") is 'invalid'.
  answerKey(problem, answer) {
    parseProblem(problem);
    const key = normalizeAnswer(answer);
    return key === '' ? 'invalid' : key;
  },
  // Equivalent answers vote together, whatever their spelling ("\frac{x+2}{7}" and "\frac{x}{7}+\frac{2}{7}").
  answerKeys(problem) {
    parseProblem(problem);
    return equivalenceKeys();
  },
  // Free text has no cheap canonical state: only trajectories written identically, up to spacing, merge.
  stateKey(problem, steps) {
    const { delimiter } = parseProblem(problem);
    return steps.map((step) => step.trim().replace(/\s+/g, ' ')).join(delimiter);
  },
};
