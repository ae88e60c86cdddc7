// Final-answer checking: an infix expression that uses each input number exactly once and equals the target.
import { evaluate, ExpressionSyntaxError, literals, parseExpression, type Expr } from './expression.js';
import { toPuzzle, type CountdownPuzzle } from './problem.js';
import { formatRational, parseRational, rational } from './rational.js';
import type { ProblemLike } from '../task.js';

export type AnswerFailure =
  | 'parse_error' // not an expression over integers, + - * / and parentheses
  | 'numbers_mismatch' // does not use each input number exactly once
  | 'division_by_zero'
  | 'wrong_claim' // `expr = v` where expr is not v
  | 'wrong_value'; // a legal expression, but not equal to the target

export interface AnswerVerdict {
  readonly correct: boolean;
  readonly reason: 'ok' | AnswerFailure;
  readonly message: string;
  /** Exact value (`24`, `1/2`) when the expression is a legal use of the inputs, else null. */
  readonly value: string | null;
}

/**
 * Checks `answer` against the puzzle. Tolerated decorations, because LLMs write them: a leading `Answer:` and a
 * trailing `= 24` (which must then be the true value). Throws only when `problem` itself is malformed.
 */
export function checkAnswer(problem: ProblemLike | CountdownPuzzle, answer: string): AnswerVerdict {
  const puzzle = toPuzzle(problem);
  const text = answer.trim().replace(/^answer\s*:\s*/i, '');
  const sides = text.split('=');
  if (sides.length > 2) return fail('parse_error', 'more than one "="');
  const claimText = sides[1]?.trim();
  const claim = claimText === undefined ? undefined : parseRational(claimText);
  if (claim === null) return fail('parse_error', `"${claimText ?? ''}" after "=" is not a number`);

  let expr: Expr;
  try {
    expr = parseExpression(sides[0] ?? '');
  } catch (err) {
    if (err instanceof ExpressionSyntaxError) return fail('parse_error', err.message);
    throw err;
  }

  const used = literals(expr).map((t) => (t.length > 15 ? Number.NaN : Number(t)));
  if (!sameNumbers(used, puzzle.numbers)) {
    return fail('numbers_mismatch', `uses ${used.join(' ')}; expected each of ${puzzle.numbers.join(' ')} exactly once`);
  }
  const value = evaluate(expr);
  if (value === null) return fail('division_by_zero', 'division by zero');
  if (claim !== undefined && !claim.equals(value)) {
    return fail('wrong_claim', `the expression is ${formatRational(value)}, not ${formatRational(claim)}`);
  }
  const valueText = formatRational(value);
  if (!value.equals(rational(puzzle.target))) {
    return { correct: false, reason: 'wrong_value', message: `${valueText} is not ${puzzle.target}`, value: valueText };
  }
  return { correct: true, reason: 'ok', message: 'correct', value: valueText };
}

function sameNumbers(used: readonly number[], inputs: readonly number[]): boolean {
  if (used.length !== inputs.length) return false;
  const a = [...used].sort((x, y) => x - y);
  const b = [...inputs].sort((x, y) => x - y);
  return a.every((x, i) => x === b[i]);
}

function fail(reason: AnswerFailure, message: string): AnswerVerdict {
  return { correct: false, reason, message, value: null };
}
