// Reads and validates a countdown problem: 2..6 positive integers in `question`, an integer `params.target`.
import { InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { checkParamKeys } from '../params.js';
import type { ProblemLike } from '../task.js';

export const TASK_NAME = 'countdown';
export const DEFAULT_TARGET = 24;
export const MIN_NUMBERS = 2;
export const MAX_NUMBERS = 6;
/** Inputs are bounded so that every intermediate stays a small BigInt and the prompt stays short. */
export const MAX_INPUT = 1_000_000;
/** Any integer target within this magnitude is accepted, negative included (negative intermediates are legal). */
export const MAX_ABS_TARGET = 1_000_000_000;

const KNOWN_PARAMS: readonly string[] = ['target'];

export interface CountdownPuzzle {
  /** Input numbers in the order given. */
  readonly numbers: readonly number[];
  readonly target: number;
}

/** Validates a wire problem (task, question, params.target) and returns the puzzle it describes. */
export function parseProblem(problem: ProblemLike): CountdownPuzzle {
  if (problem.task !== TASK_NAME) {
    throw new InvalidArgumentError('problem.task', `expected "${TASK_NAME}", got ${nameInMessage(problem.task)}`);
  }
  checkParamKeys(problem, TASK_NAME, KNOWN_PARAMS);
  return { numbers: parseNumbers(problem.question), target: parseTarget(problem.params['target']) };
}

/** Builds a puzzle from plain numbers (tests, dataset, benchmarks), with the same limits as parseProblem. */
export function makePuzzle(numbers: readonly number[], target: number = DEFAULT_TARGET): CountdownPuzzle {
  checkCount(numbers.length, 'numbers');
  numbers.forEach((n, i) => checkInput(n, `numbers[${i}]`, i));
  if (!Number.isSafeInteger(target) || Math.abs(target) > MAX_ABS_TARGET) {
    throw new InvalidArgumentError('target', `must be an integer with magnitude at most ${MAX_ABS_TARGET}`);
  }
  return { numbers: [...numbers], target };
}

/** Accepts either form, so callers holding a wire problem need not convert first. */
export function toPuzzle(input: ProblemLike | CountdownPuzzle): CountdownPuzzle {
  return 'question' in input ? parseProblem(input) : input;
}

/** The canonical question text: numbers separated by single spaces, in the given order. */
export function formatQuestion(numbers: readonly number[]): string {
  return numbers.join(' ');
}

function parseNumbers(question: string): number[] {
  const field = 'problem.question';
  const trimmed = question.trim();
  if (trimmed === '') {
    throw new InvalidArgumentError(field, `is empty; expected ${MIN_NUMBERS} to ${MAX_NUMBERS} positive integers separated by spaces`);
  }
  // Commas are tolerated because people paste "4, 9, 10, 13".
  const tokens = trimmed.split(/[\s,]+/);
  checkCount(tokens.length, field);
  // Messages say which number is wrong, never what it is: errors are logged, and a question is the caller's data.
  return tokens.map((token, i) => {
    if (!/^\d+$/.test(token)) {
      throw new InvalidArgumentError(field, `number ${i + 1} is not a positive integer`);
    }
    // Length first: Number() of a 400-digit token is Infinity, which would make a confusing message.
    if (token.replace(/^0+/, '').length > String(MAX_INPUT).length) {
      throw new InvalidArgumentError(field, `number ${i + 1} exceeds the limit ${MAX_INPUT}`);
    }
    const value = Number(token);
    checkInput(value, field, i);
    return value;
  });
}

function parseTarget(raw: string | undefined): number {
  const field = 'problem.params.target';
  const text = (raw ?? '').trim();
  if (text === '') return DEFAULT_TARGET;
  if (!/^[+-]?\d{1,10}$/.test(text)) {
    throw new InvalidArgumentError(field, `is not an integer with magnitude at most ${MAX_ABS_TARGET}`);
  }
  const value = Number(text);
  if (Math.abs(value) > MAX_ABS_TARGET) {
    throw new InvalidArgumentError(field, `exceeds the magnitude limit ${MAX_ABS_TARGET}`);
  }
  return value;
}

function checkCount(count: number, field: string): void {
  if (count < MIN_NUMBERS || count > MAX_NUMBERS) {
    throw new InvalidArgumentError(field, `has ${count} number${count === 1 ? '' : 's'}; expected ${MIN_NUMBERS} to ${MAX_NUMBERS}`);
  }
}

function checkInput(value: number, field: string, index: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(field, `number ${index + 1} is not a positive integer`);
  }
  if (value > MAX_INPUT) {
    throw new InvalidArgumentError(field, `number ${index + 1} exceeds the limit ${MAX_INPUT}`);
  }
}
