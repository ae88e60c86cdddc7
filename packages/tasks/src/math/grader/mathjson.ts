// Reading MathJSON for grading: what kind of answer an expression is (a relation, a collection, a number, text),
// and the exact value of a numeric literal.
import Fraction from 'fraction.js';
import type { MathJson } from './engine.js';

export function operatorOf(json: MathJson): string | undefined {
  return Array.isArray(json) && typeof json[0] === 'string' ? json[0] : undefined;
}

export function operandsOf(json: MathJson): MathJson[] {
  return Array.isArray(json) ? json.slice(1) : [];
}

/** A MathJSON string literal ('text' or {str}), as its text; undefined for anything else. */
export function stringOf(json: MathJson): string | undefined {
  if (typeof json === 'string') return json.length >= 2 && json.startsWith("'") && json.endsWith("'") ? json.slice(1, -1) : undefined;
  if (typeof json === 'object' && !Array.isArray(json) && 'str' in json) return json.str;
  return undefined;
}

/** A symbol's name ("x", "Pi"); undefined for anything else. */
export function symbolOf(json: MathJson): string | undefined {
  if (typeof json === 'string') return stringOf(json) === undefined ? json : undefined;
  if (typeof json === 'object' && !Array.isArray(json) && 'sym' in json) return json.sym;
  return undefined;
}

const RELATIONS = new Set(['Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'Approx']);

export function isRelation(json: MathJson): boolean {
  return RELATIONS.has(operatorOf(json) ?? '');
}

/** A relation with `>` and `>=` turned round, so that `x > 5` and `5 < x` read the same. */
export function orientedRelation(json: MathJson): { operator: string; sides: MathJson[] } {
  const operator = operatorOf(json) ?? '';
  const sides = operandsOf(json);
  if (operator === 'Greater') return { operator: 'Less', sides: [...sides].reverse() };
  if (operator === 'GreaterEqual') return { operator: 'LessEqual', sides: [...sides].reverse() };
  return { operator, sides };
}

const COLLECTIONS = new Set(['Tuple', 'List', 'Set', 'Interval', 'Union', 'Matrix', 'Pair', 'Sequence', 'Triple']);

export function isCollection(json: MathJson): boolean {
  return COLLECTIONS.has(operatorOf(json) ?? '');
}

/**
 * An exact rational, and whether it was written as a decimal (0.5, 2.75) and with how many digits after the point,
 * which set how it compares with values a decimal can only approximate.
 */
export interface ExactNumber {
  value: Fraction;
  decimal: boolean;
  /** Digits written after the decimal point (0 when not a decimal). */
  places: number;
}

/** Digits beyond this are not read exactly: BigInt work stays bounded (the grader refuses bigger powers first). */
const MAX_DIGITS = 20_000;

/** The exact value of a literal integer, decimal or fraction (with a sign), else undefined. */
export function exactNumber(json: MathJson): ExactNumber | undefined {
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) return undefined;
    if (Number.isInteger(json)) return Number.isSafeInteger(json) ? { value: new Fraction(BigInt(json)), decimal: false, places: 0 } : undefined;
    return fromDigits(String(json));
  }
  if (typeof json === 'object' && !Array.isArray(json) && 'num' in json) return fromDigits(json.num);
  const operator = operatorOf(json);
  const operands = operandsOf(json);
  if (operator === 'Negate' && operands.length === 1) {
    const inner = exactNumber(operands[0]!);
    return inner && { ...inner, value: inner.value.neg() };
  }
  if (operator === 'Rational' && operands.length === 2) {
    const [num, den] = operands.map(exactNumber);
    if (!num || !den || num.decimal || den.decimal || den.value.n === 0n) return undefined;
    return { value: num.value.div(den.value), decimal: false, places: 0 };
  }
  return undefined;
}

/** A decimal string as the engine writes it ("0.5", "-1.25e-3", "123456789012345678901234567890"). */
function fromDigits(text: string): ExactNumber | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text.trim());
  if (m === null) return undefined;
  const [, sign = '', whole = '', fraction = '', exponentText = '0'] = m;
  const digits = whole + fraction;
  const exponent = Number(exponentText) - fraction.length;
  if (digits === '' || digits.length > MAX_DIGITS || Math.abs(exponent) > MAX_DIGITS) return undefined;
  const magnitude = BigInt(digits);
  const value = exponent >= 0 ? new Fraction(magnitude * 10n ** BigInt(exponent)) : new Fraction(magnitude, 10n ** BigInt(-exponent));
  return { value: sign === '-' ? value.neg() : value, decimal: exponent < 0, places: Math.max(0, -exponent) };
}

/** Whether a rational has a finite decimal expansion (its denominator has no prime factor but 2 and 5). */
export function isFiniteDecimal(value: Fraction): boolean {
  let d = value.d;
  while (d % 2n === 0n) d /= 2n;
  while (d % 5n === 0n) d /= 5n;
  return d === 1n;
}

/**
 * `value` as MathJSON, exactly: a decimal keeps its digits, at least `places` after the point (a decimal string
 * reads back as one), a fraction its terms.
 */
export function exactJson(value: Fraction, decimal: boolean, places = 0): MathJson {
  const sign = value.s < 0n ? '-' : '';
  if (decimal && isFiniteDecimal(value)) {
    // n/d with d = 2^a 5^b is m/10^k for the smallest k that 10^k is a multiple of d; at least the places written
    // ("3333333.30" keeps both), since how many digits a decimal shows sets how closely it must match.
    let k = 0;
    let scale = 1n;
    while (scale % value.d !== 0n || k < places) {
      scale *= 10n;
      k++;
    }
    const digits = (value.n * (scale / value.d)).toString().padStart(k + 1, '0');
    return { num: k === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -k)}.${digits.slice(-k)}` };
  }
  const numerator = { num: `${sign}${value.n}` };
  return value.d === 1n ? numerator : ['Rational', numerator, { num: value.d.toString() }];
}