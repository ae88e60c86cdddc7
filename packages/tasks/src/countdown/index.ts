// The countdown (Game of 24) domain: parsing, step checking, move generation, answers, solver and dataset.
export { OPS, applyOp, combinesTo, normalizeOp, type Op } from './arithmetic.js';
export { checkAnswer, type AnswerFailure, type AnswerVerdict } from './answer.js';
export { bundledHardestPuzzles, parseHardestFile } from './bundled.js';
export { checkStep, type StepFailure, type StepVerdict } from './check.js';
export { composeAnswer } from './compose.js';
export {
  DATASET_MAX,
  DATASET_MIN,
  DATASET_SIZE,
  DATASET_TARGET,
  compareDifficulty,
  countdownDataset,
  enumeratePuzzles,
  hardestFileText,
  hardestModuleText,
  hardestPuzzles,
  type DatasetEntry,
} from './dataset.js';
export { ExpressionSyntaxError, evaluate, formatExpression, literals, parseExpression, type Expr } from './expression.js';
export { formatMove, legalMoves, type Move } from './moves.js';
export {
  DEFAULT_TARGET,
  MAX_ABS_TARGET,
  MAX_INPUT,
  MAX_NUMBERS,
  MIN_NUMBERS,
  TASK_NAME,
  formatQuestion,
  makePuzzle,
  parseProblem,
  toPuzzle,
  type CountdownPuzzle,
} from './problem.js';
export { renderPrompt } from './prompt.js';
export { compareRationals, formatRational, isInteger, isNegative, parseRational, rational, type Rational } from './rational.js';
export { claimedState, replay, type Replay } from './replay.js';
export { analysePuzzle, countSolutions, createAnalysisMemo, solve, type AnalysisMemo, type PuzzleAnalysis } from './solver.js';
export { formatState, initialState, insertValue, removeValue, sameState, sortState, stateKey, type State } from './state.js';
export { claimedLeft, formatStep, parseStep, type ParsedStep } from './step.js';
export { countdownTask } from './task.js';
