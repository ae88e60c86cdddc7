// The math domain (GSM8K / MATH word problems): problems, answer extraction and normalisation, votes, steps, samples.
export { extractAnswer } from './extract.js';
export { MAX_NORMALIZED_LENGTH, normalizeAnswer } from './normalize.js';
export { DEFAULT_GRADING_TIMEOUT_MS, answersEquivalent, gradeAnswer, type Grade, type GradeOptions, type GradeReason } from './grader/grade.js';
export { DECIMAL_RELATIVE_PRECISION } from './grader/compare.js';
export {
  DEFAULT_STEP_DELIMITER,
  MAX_DELIMITER_LENGTH,
  MAX_QUESTION_LENGTH,
  MAX_REFERENCE_LENGTH,
  TASK_NAME,
  parseProblem,
  type MathProblem,
} from './problem.js';
export { SAMPLE_PROBLEMS, sampleProblem, type SampleProblem } from './samples.js';
export { finalAnswer, joinSteps, splitSteps } from './steps.js';
export { mathTask } from './task.js';
