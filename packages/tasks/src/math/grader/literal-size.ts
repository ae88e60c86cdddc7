// How large a number an answer writes out: `2^{10^{9}}`, `(10000)!` or `(10^{9999})^{9999}` are short to write and
// have millions of digits. The engine works such literals out while it parses an answer, in one BigInt operation
// that no time limit can stop, so the grader measures them first, on the answer as written (parseAsWritten), and
// refuses those too large. Sizes are estimated in decimal digits from logarithms: nothing large is computed here.
import type { MathJson } from './engine.js';
import { operandsOf, operatorOf } from './mathjson.js';

/** Literal values with more digits than this are not worked out. */
export const MAX_LITERAL_DIGITS = 10_000;

/** The value of an expression made of literals only, in floating point (Infinity when it overflows); else undefined. */
function literalValue(json: MathJson): number | undefined {
  if (typeof json === 'number') return json;
  if (typeof json === 'object' && !Array.isArray(json) && 'num' in json) return Number(json.num);
  const operands = operandsOf(json).map(literalValue);
  if (!Array.isArray(json) || operands.some((v) => v === undefined)) return undefined;
  const [a = 0, b = 0] = operands as number[];
  switch (operatorOf(json)) {
    case 'Delimiter':
      return a;
    case 'Negate':
      return -a;
    case 'Add':
      return (operands as number[]).reduce((sum, v) => sum + v, 0);
    case 'Subtract':
      return a - b;
    case 'Multiply':
      return (operands as number[]).reduce((product, v) => product * v, 1);
    case 'Divide':
    case 'Rational':
      return a / b;
    case 'Power':
      return a ** b;
    case 'Factorial':
      return a > 170 ? Number.POSITIVE_INFINITY : Array.from({ length: Math.max(0, Math.floor(a)) }, (_, i) => i + 1).reduce((p, v) => p * v, 1);
    default:
      return undefined;
  }
}

/** The digits of a value, from its floating-point estimate, when that is finite and not 0. */
function digitsOfValue(value: number): number {
  return value === 0 || !Number.isFinite(value) ? Number.NaN : Math.abs(Math.log10(Math.abs(value)));
}

/** About how many decimal digits the literal value of `json` has (Infinity when beyond counting); undefined if not literal. */
function literalDigits(json: MathJson): number | undefined {
  if (typeof json === 'number' || (typeof json === 'object' && !Array.isArray(json) && 'num' in json)) {
    const digits = digitsOfValue(literalValue(json)!);
    return Number.isNaN(digits) ? 0 : digits;
  }
  const operator = operatorOf(json);
  const operands = operandsOf(json);
  const inner = operands.map(literalDigits);
  if (operator === undefined || inner.some((d) => d === undefined)) return undefined;
  const sizes = inner as number[];
  switch (operator) {
    case 'Delimiter':
    case 'Negate':
      return sizes[0] ?? 0;
    case 'Sqrt':
      return (sizes[0] ?? 0) / 2;
    case 'Add':
    case 'Subtract':
      return Math.max(0, ...sizes) + 1;
    case 'Multiply':
    case 'Divide':
    case 'Rational':
      return sizes.reduce((sum, d) => sum + d, 0);
    case 'Power': {
      const exponent = literalValue(operands[1]!);
      if (exponent === undefined) return undefined;
      if (!Number.isFinite(exponent)) return Number.POSITIVE_INFINITY;
      const base = literalValue(operands[0]!);
      const baseDigits = base !== undefined && Number.isFinite(base) ? (base === 0 ? 0 : Math.abs(Math.log10(Math.abs(base)))) : (sizes[0] ?? 0);
      return Math.abs(exponent) * baseDigits;
    }
    case 'Factorial': {
      const n = literalValue(operands[0]!);
      if (n === undefined) return undefined;
      return Number.isFinite(n) ? (n <= 1 ? 0 : n * Math.log10(n)) : Number.POSITIVE_INFINITY;
    }
    case 'Binomial': {
      const n = literalValue(operands[0]!);
      return n === undefined ? undefined : Number.isFinite(n) ? Math.abs(n) * Math.log10(2) : Number.POSITIVE_INFINITY;
    }
    default:
      return undefined;
  }
}

/** Whether any part of `json` (as written) is a literal with more than MAX_LITERAL_DIGITS digits. */
export function writesHugeLiteral(json: MathJson): boolean {
  if (!Array.isArray(json)) return false;
  const digits = literalDigits(json);
  if (digits !== undefined && !(digits <= MAX_LITERAL_DIGITS)) return true;
  return operandsOf(json).some(writesHugeLiteral);
}
