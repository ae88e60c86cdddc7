// Reads and writes step texts in the Tree-of-Thoughts format: `13 - 9 = 4 (left: 4 4 10)`.
import { normalizeOp, type Op } from './arithmetic.js';
import { formatRational, parseRational, type Rational } from './rational.js';
import { formatState, sortState, type State } from './state.js';

export interface ParsedStep {
  readonly a: Rational;
  readonly op: Op;
  readonly b: Rational;
  /** The result the step claims (not necessarily the true one). */
  readonly result: Rational;
  /** The claimed remaining numbers, sorted; null when the step has no `(left: ...)` part. */
  readonly left: State | null;
}

/** Longer texts are not steps; the cap keeps regex and BigInt work bounded on junk input. */
export const MAX_STEP_LENGTH = 1000;

// Operands and results are literals like 7, -3, 1/5. Spacing around the operator is optional, so `8/3` between
// two operands is ambiguous; the regex resolves it greedily from the left, and the writer below always spaces.
const RAT = String.raw`-?\d+(?:/\d+)?`;
const OP = String.raw`[-+*/x\u00d7\u00f7\u2212]`;
const STEP_RE = new RegExp(
  String.raw`^\s*(${RAT})\s*(${OP})\s*(${RAT})\s*=\s*(${RAT})\s*(?:\(\s*left\s*:\s*([^)]*)\))?\s*\.?\s*$`,
  'i',
);
const LEFT_RE = /\(\s*left\s*:\s*([^)]*)\)/i;

/** Parses a step; null when the text is not of the form `a op b = r (left: ...)`. */
export function parseStep(text: string): ParsedStep | null {
  if (text.length > MAX_STEP_LENGTH) return null;
  const m = STEP_RE.exec(text);
  if (m === null) return null;
  const [, aText = '', opText = '', bText = '', rText = '', leftText] = m;
  const a = parseRational(aText);
  const op = normalizeOp(opText);
  const b = parseRational(bText);
  const result = parseRational(rText);
  if (a === null || op === null || b === null || result === null) return null;
  let left: State | null = null;
  if (leftText !== undefined) {
    left = parseLeftList(leftText);
    if (left === null) return null;
  }
  return { a, op, b, result, left };
}

/** Just the `(left: ...)` claim of a text, for texts that are otherwise garbled; null if absent or unreadable. */
export function claimedLeft(text: string): State | null {
  if (text.length > MAX_STEP_LENGTH) return null;
  const m = LEFT_RE.exec(text);
  return m === null ? null : parseLeftList(m[1] ?? '');
}

/** `a op b = r (left: ...)` with rationals as `1/5`, `-3/2` and the left list ascending. */
export function formatStep(a: Rational, op: Op, b: Rational, result: Rational, left: State): string {
  return `${formatRational(a)} ${op} ${formatRational(b)} = ${formatRational(result)} (left: ${formatState(left)})`;
}

function parseLeftList(text: string): State | null {
  const tokens = text.trim().split(/[\s,]+/).filter((t) => t !== '');
  if (tokens.length === 0) return null;
  const values: Rational[] = [];
  for (const token of tokens) {
    const value = parseRational(token);
    if (value === null) return null;
    values.push(value);
  }
  return sortState(values);
}
