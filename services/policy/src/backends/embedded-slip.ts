// Arithmetic slips as LLMs make them: the right operands, a wrong result, and a `left:` list that trusts it.
import { countdown } from '@arbor/tasks';
import type { Rng } from './embedded-rng.js';

type Rational = countdown.Rational;

/**
 * Writes `move` with a wrong result: half the time off by one, half the time the result of another operator
 * on the same operands (4 * 6 = 10). The left list is the untouched numbers plus the wrong value, so the step
 * is internally consistent and only the arithmetic is wrong.
 */
export function slipStep(move: countdown.Move, rng: Rng): string {
  const wrong = wrongResult(move, rng);
  const untouched = countdown.removeValue(move.next, move.result) ?? [];
  return countdown.formatStep(move.a, move.op, move.b, wrong, countdown.insertValue(untouched, wrong));
}

function wrongResult(move: countdown.Move, rng: Rng): Rational {
  const useOtherOp = rng.next() < 0.5;
  const direction = rng.next() < 0.5 ? -1 : 1;
  if (useOtherOp) {
    const others: Rational[] = [];
    for (const op of countdown.OPS) {
      const value = op === move.op ? null : countdown.applyOp(move.a, op, move.b);
      if (value !== null && !value.equals(move.result) && !others.some((o) => o.equals(value))) others.push(value);
    }
    const pick = others[Math.floor(rng.next() * others.length)];
    if (pick !== undefined) return pick;
  }
  return move.result.add(countdown.rational(direction));
}
