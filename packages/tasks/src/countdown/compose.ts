// Writes the final answer of a trajectory by replaying its steps from the inputs, tracking for each remaining
// number the expression that produced it: `13 - 9 = 4`, `10 - 4 = 6`, `4 * 6 = 24` -> `(13-9)*(10-4)`.
import { formatExpression, type Expr } from './expression.js';
import type { CountdownPuzzle } from './problem.js';
import { formatRational, rational, type Rational } from './rational.js';
import { parseStep } from './step.js';

interface Tracked {
  readonly value: Rational;
  readonly expr: Expr;
}

/**
 * Follows the steps as written, the way an LLM writes its answer line: operands are looked up by value among the
 * tracked numbers, and the new number carries the claimed result. So after an arithmetic slip the expression is
 * still what the steps did, and checkAnswer judges it on its true value. An operand that is not tracked enters as
 * a bare literal (the answer then fails the "each number once" check); unreadable steps are skipped.
 * Returns null when no step could be read.
 */
export function composeAnswer(puzzle: CountdownPuzzle, steps: readonly string[]): string | null {
  let tracked: Tracked[] = puzzle.numbers.map((n) => ({ value: rational(n), expr: { kind: 'num', text: String(n) } }));
  let last: Expr | null = null;
  for (const text of steps) {
    const step = parseStep(text);
    if (step === null) continue;
    const [leftExpr, afterA] = take(tracked, step.a);
    const [rightExpr, afterB] = take(afterA, step.b);
    last = { kind: 'op', op: step.op, left: leftExpr, right: rightExpr };
    tracked = [...afterB, { value: step.result, expr: last }];
  }
  if (last === null) return null;
  // When the steps end with one number, that is the answer; otherwise the most recent combination is the best
  // reading of what the trajectory concluded.
  const final = tracked.length === 1 ? (tracked[0] as Tracked).expr : last;
  return formatExpression(final);
}

function take(tracked: readonly Tracked[], value: Rational): [Expr, Tracked[]] {
  const index = tracked.findIndex((t) => t.value.equals(value));
  if (index < 0) return [{ kind: 'num', text: formatRational(value) }, [...tracked]];
  return [(tracked[index] as Tracked).expr, [...tracked.slice(0, index), ...tracked.slice(index + 1)]];
}
