// Exact rationals for countdown: fraction.js (BigInt based) behind a few helpers, so no float reaches a verdict.
import Fraction from 'fraction.js';

export type Rational = Fraction;

/** Longest digit run accepted in a literal; real states stay far below, and it bounds BigInt work on junk. */
export const MAX_LITERAL_DIGITS = 60;

const RATIONAL_RE = /^(-?)(\d+)(?:\/(\d+))?$/;

export function rational(numerator: number | bigint, denominator: number | bigint = 1n): Rational {
  return new Fraction(BigInt(numerator), BigInt(denominator));
}

/** Parses `7`, `-3`, `1/5`, `-3/2` (non-canonical forms such as `2/4` are accepted and reduced); null if not one. */
export function parseRational(text: string): Rational | null {
  const m = RATIONAL_RE.exec(text);
  if (m === null) return null;
  const [, sign, num = '', den] = m;
  if (num.length > MAX_LITERAL_DIGITS || (den !== undefined && den.length > MAX_LITERAL_DIGITS)) return null;
  const d = den === undefined ? 1n : BigInt(den);
  if (d === 0n) return null;
  const n = BigInt(num);
  return new Fraction(sign === '-' ? -n : n, d);
}

/** `24`, `1/5`, `-3/2`: the form used in step texts and answer keys. */
export function formatRational(r: Rational): string {
  return r.toFraction();
}

export function isInteger(r: Rational): boolean {
  return r.d === 1n;
}

export function isNegative(r: Rational): boolean {
  return r.s < 0n && r.n !== 0n;
}

export function compareRationals(a: Rational, b: Rational): number {
  return a.compare(b);
}
