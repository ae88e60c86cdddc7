// Exact values of numeric answers ("1,000", "-0.50", "3/4", "\frac{3}{4}", "1 1/2") as fraction.js rationals.
import Fraction from 'fraction.js';

/** Longer literals are treated as text: the cap bounds BigInt work on junk and no real answer comes close. */
export const MAX_NUMBER_DIGITS = 100;

// A decimal literal: digits with optional comma thousands separators, optional fraction part.
const DECIMAL = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+`;
// The same, also with single spaces between groups of exactly three digits ("12 345", "1 000 000"). Only for a
// whole literal or a \frac argument: before a bare "/" a space starts a mixed number instead (see MIXED_RE).
const SPACED = String.raw`(?:\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+|\d+)(?:\.\d*)?|\.\d+`;
const SIGNED_SPACED = String.raw`[+-]?(?:${SPACED})`;
const NUMBER_RES: readonly RegExp[] = [
  // 7, -0.5, 1,000.25, 1 000
  new RegExp(String.raw`^([+-]?)(${SPACED})$`),
  // 3/4, -1.5/2, 1,000/3 (not "1 000/3": see MIXED_RE)
  new RegExp(String.raw`^([+-]?)(${DECIMAL})/(${DECIMAL})$`),
  // \frac{3}{4}, -\frac{1}{2}, \frac{-1}{2}, \frac{1 000}{3}; arguments arrive braced (normalisation rewrites
  // \frac12 first), and inside braces a space cannot start a mixed number
  new RegExp(String.raw`^([+-]?)\\frac\{(${SIGNED_SPACED})\}\{(${SIGNED_SPACED})\}$`),
];
// 2 1/2: a mixed number, read only with a proper fraction p/q (0 < p < q), so "1 1/1" and "2 3/2" are not numbers.
// A space before a bare fraction always means this: "12 345/678" is 12 + 345/678 (2827/226), never 12345/678.
const MIXED_RE = /^([+-]?)(\d+) ([1-9]\d*)\/(\d+)$/;

/**
 * The exact value of `text` when it is one number in one of the forms above (no spaces except as thousands
 * separators or in a mixed number), else null. Zero denominators, improper "mixed" numbers and over-long literals
 * give null too.
 */
export function parseNumber(text: string): Fraction | null {
  const mixed = MIXED_RE.exec(text);
  if (mixed !== null) {
    const [, sign = '', whole = '', num = '', den = ''] = mixed;
    const wholeValue = decimal(whole);
    const fraction = ratio(decimal(num), decimal(den));
    if (wholeValue !== null && fraction !== null && fraction.compare(1) < 0) {
      const value = wholeValue.add(fraction);
      return sign === '-' ? value.neg() : value;
    }
  }
  for (const re of NUMBER_RES) {
    const m = re.exec(text);
    if (m === null) continue;
    const [, sign = '', first = '', second] = m;
    const value = second === undefined ? decimal(first) : ratio(decimal(first), decimal(second));
    if (value === null) return null;
    return sign === '-' ? value.neg() : value;
  }
  return null;
}

/** `p` or `p/q` in lowest terms, sign on the numerator: the canonical spelling of an exact rational. */
export function formatNumber(value: Fraction): string {
  return value.toFraction();
}

function ratio(num: Fraction | null, den: Fraction | null): Fraction | null {
  if (num === null || den === null || den.n === 0n) return null;
  return num.div(den);
}

// Built from digits rather than by fraction.js's string parser, which also reads forms such as "0.(3)".
function decimal(text: string): Fraction | null {
  const m = /^([+-]?)(.*)$/.exec(text);
  const sign = m?.[1] ?? '';
  const [intPart = '', fracPart = ''] = (m?.[2] ?? '').replace(/[, ]/g, '').split('.');
  const digits = intPart + fracPart;
  if (digits === '' || digits.length > MAX_NUMBER_DIGITS) return null;
  const value = new Fraction(BigInt(digits), 10n ** BigInt(fracPart.length));
  return sign === '-' ? value.neg() : value;
}
