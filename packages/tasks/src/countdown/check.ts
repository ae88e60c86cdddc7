// The step checker: is a step text well formed, legal in the current state, exactly right, with the right `left:`.
// An invalid step is data (the policy slipped), so it comes back as a verdict, never as an exception.
import { applyOp } from './arithmetic.js';
import { formatRational } from './rational.js';
import { formatState, insertValue, removeValue, sameState, type State } from './state.js';
import { parseStep, type ParsedStep } from './step.js';

export type StepFailure =
  | 'malformed' // not `a op b = r (left: ...)`
  | 'finished' // fewer than two numbers remain, so no step is possible
  | 'operand_missing' // an operand is not among the remaining numbers
  | 'division_by_zero'
  | 'wrong_result' // the arithmetic is not exact-correct
  | 'wrong_left'; // the `left:` list is not the remaining numbers plus the result (order is free)

export type StepVerdict =
  | { readonly valid: true; readonly step: ParsedStep; readonly next: State }
  | { readonly valid: false; readonly reason: StepFailure; readonly message: string; readonly step: ParsedStep | null };

export function checkStep(state: State, text: string): StepVerdict {
  const step = parseStep(text);
  if (step === null) {
    return invalid('malformed', 'expected "a op b = r (left: ...)"', null);
  }
  if (state.length < 2) {
    return invalid('finished', `only ${formatState(state)} remains`, step);
  }
  if (step.left === null) {
    return invalid('malformed', 'missing "(left: ...)"', step);
  }
  const withoutA = removeValue(state, step.a);
  const rest = withoutA === null ? null : removeValue(withoutA, step.b);
  if (rest === null) {
    return invalid('operand_missing', `${formatRational(step.a)} and ${formatRational(step.b)} are not both in ${formatState(state)}`, step);
  }
  const actual = applyOp(step.a, step.op, step.b);
  if (actual === null) {
    return invalid('division_by_zero', 'division by zero', step);
  }
  if (!actual.equals(step.result)) {
    return invalid('wrong_result', `${formatRational(step.a)} ${step.op} ${formatRational(step.b)} is ${formatRational(actual)}`, step);
  }
  const next = insertValue(rest, actual);
  if (!sameState(next, step.left)) {
    return invalid('wrong_left', `left should be ${formatState(next)}`, step);
  }
  return { valid: true, step, next };
}

function invalid(reason: StepFailure, message: string, step: ParsedStep | null): StepVerdict {
  return { valid: false, reason, message, step };
}
