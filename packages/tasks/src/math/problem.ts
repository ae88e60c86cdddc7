// Reads and validates a math problem: the word problem in `question`, optional `params.reference` and `params.delimiter`.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { checkParamKeys } from '../params.js';
import type { ProblemLike } from '../task.js';
import { normalizeAnswer } from './normalize.js';

export const TASK_NAME = 'math';
/** Blank lines separate steps, the convention of step-level PRMs trained on MATH-style solutions. */
export const DEFAULT_STEP_DELIMITER = '\n\n';
/** Long enough for any competition problem; bounds prompt size and the work of every hook. */
export const MAX_QUESTION_LENGTH = 8000;
export const MAX_REFERENCE_LENGTH = 1000;
export const MAX_DELIMITER_LENGTH = 64;

const KNOWN_PARAMS: readonly string[] = ['delimiter', 'reference'];

export interface MathProblem {
  /** The question, trimmed. */
  question: string;
  /** The expected final answer as given (trimmed); absent when the problem cannot be verified. */
  reference?: string;
  /** Separates the steps of a solution; taken literally. */
  delimiter: string;
}

/** Validates a wire problem and returns what it describes; throws InvalidArgumentError naming the field. */
export function parseProblem(problem: ProblemLike): MathProblem {
  if (problem.task !== TASK_NAME) {
    throw new InvalidArgumentError('problem.task', `expected "${TASK_NAME}", got ${nameInMessage(problem.task)}`);
  }
  checkParamKeys(problem, TASK_NAME, KNOWN_PARAMS);
  const question = parseQuestion(problem.question);
  const reference = parseReference(problem.params['reference']);
  const delimiter = parseDelimiter(problem.params['delimiter']);
  return reference === undefined ? { question, delimiter } : { question, reference, delimiter };
}

function parseQuestion(raw: string): string {
  const field = 'problem.question';
  if (raw.length > MAX_QUESTION_LENGTH) {
    throw new InvalidArgumentError(field, `has ${raw.length} characters; the limit is ${MAX_QUESTION_LENGTH}`);
  }
  const question = raw.trim();
  if (question === '') throw new InvalidArgumentError(field, 'is empty; expected the text of a word problem');
  return question;
}

// Proto3 maps cannot tell "absent" from "", so an empty reference means "none", as an empty countdown target does.
function parseReference(raw: string | undefined): string | undefined {
  const field = 'problem.params.reference';
  const reference = (raw ?? '').trim();
  if (reference === '') return undefined;
  if (reference.length > MAX_REFERENCE_LENGTH) {
    throw new InvalidArgumentError(field, `has ${reference.length} characters; the limit is ${MAX_REFERENCE_LENGTH}`);
  }
  // A reference that normalises to nothing (e.g. "$ $") could never match an answer; better to say so now.
  if (normalizeAnswer(reference) === '') {
    // The reference itself is not quoted: errors are logged, and answers never go on a log line.
    throw new InvalidArgumentError(field, 'contains no answer (it normalises to nothing)');
  }
  return reference;
}

// Unlike the reference, an explicitly empty delimiter is an error: splitting on "" would make every character a step.
function parseDelimiter(raw: string | undefined): string {
  const field = 'problem.params.delimiter';
  if (raw === undefined) return DEFAULT_STEP_DELIMITER;
  if (raw === '') throw new InvalidArgumentError(field, 'must be non-empty');
  if (raw.length > MAX_DELIMITER_LENGTH) {
    throw new InvalidArgumentError(field, `has ${raw.length} characters; the limit is ${MAX_DELIMITER_LENGTH}`);
  }
  return raw;
}
