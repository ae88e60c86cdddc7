// Words that may follow a numeric answer: units, which are dropped ("18 dollars" is "18"), and scale words, which
// multiply it ("5 million" is 5000000). Only words listed here count: "2 pi", "5 xy" or "5 squared" keep their word,
// since dropping any trailing word made different answers equal. What a number counts ("6 apples") is dropped by
// a separate rule (dropCountedNoun) that keeps short words, which are variables more often than nouns.

const CURRENCY = ['dollar', 'dollars', 'cent', 'cents', 'euro', 'euros', 'pound', 'pounds', 'yen'];
const LENGTH = [
  'm', 'cm', 'mm', 'km', 'in', 'inch', 'inches', 'ft', 'foot', 'feet', 'yd', 'yard', 'yards', 'mile', 'miles',
  'meter', 'meters', 'metre', 'metres', 'centimeter', 'centimeters', 'kilometer', 'kilometers',
];
const VOLUME = ['l', 'ml', 'liter', 'liters', 'litre', 'litres', 'gallon', 'gallons'];
const MASS = ['g', 'kg', 'mg', 'gram', 'grams', 'kilogram', 'kilograms', 'lb', 'lbs', 'ounce', 'ounces', 'oz'];
const TIME = [
  's', 'sec', 'secs', 'second', 'seconds', 'min', 'mins', 'minute', 'minutes', 'h', 'hr', 'hrs', 'hour', 'hours',
  'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years',
];
const OTHER = ['mph', 'kmh', 'kph', 'degree', 'degrees', 'percent'];
// Words that only make sense next to a length unit ("5 square feet", "2 sq ft", "3 cubic meters").
const LENGTH_PREFIXES = ['square', 'sq', 'sq.', 'cubic', 'cu', 'cu.'];

/** Every word that can be part of a unit, lowercase: the extractor tolerates them after an answer. */
export const UNIT_WORDS: ReadonlySet<string> = new Set([
  ...CURRENCY, ...LENGTH, ...VOLUME, ...MASS, ...TIME, ...OTHER, ...LENGTH_PREFIXES, 'per',
]);

const SCALES: ReadonlyMap<string, bigint> = new Map([
  ['dozen', 12n],
  ['hundred', 100n],
  ['thousand', 1_000n],
  ['million', 1_000_000n],
  ['billion', 1_000_000_000n],
  ['trillion', 1_000_000_000_000n],
]);
/** The scale words ("million"), lowercase. */
export const SCALE_WORDS: ReadonlySet<string> = new Set(SCALES.keys());

const alternatives = (words: readonly string[]): string =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(/\./g, '\\.')).join('|');
// An exponent after a length: "cm^2", "cm ^{2}" (what "\text{ cm}^2" becomes), "m²".
const POWER = String.raw`(?:\s*\^\s*(?:[23]|\{[23]\})|[²³])?`;
const AREA_OR_LENGTH = String.raw`(?:(?:${alternatives(LENGTH_PREFIXES)})\s+)?(?:${alternatives(LENGTH)})${POWER}`;
const SIMPLE = String.raw`(?:${AREA_OR_LENGTH}|${alternatives([...CURRENCY, ...VOLUME, ...MASS, ...TIME, ...OTHER])})`;
// A unit is one simple unit or a rate of two: "km/h", "m / s", "dollars per hour", "miles per hour".
const UNIT_RE = new RegExp(String.raw`^${SIMPLE}(?:\s*/\s*${SIMPLE}|\s+per\s+${SIMPLE})?$`);
// No unit above is longer than this many space-separated tokens ("square meters per second" is 4).
const MAX_UNIT_TOKENS = 6;

/**
 * `s` (lowercase, single spaces) without its trailing unit, when what precedes the unit is a number by
 * `isNumber`; else `s` unchanged. "5 square feet" → "5", "2 pi" → "2 pi", "x cm" → "x cm".
 */
export function dropUnit(s: string, isNumber: (head: string) => boolean): string {
  return splitUnit(s, isNumber)?.[0] ?? s;
}

/** The unit `dropUnit` would drop from `s` ("5 square feet" → "square feet"), else ''. */
export function unitOf(s: string, isNumber: (head: string) => boolean): string {
  return splitUnit(s, isNumber)?.[1] ?? '';
}

/** Whether `text` (any case, any spacing) is a unit by itself: "cm", " square feet", "km/h". */
export function isUnit(text: string): boolean {
  return UNIT_RE.test(text.toLowerCase().replace(/\s+/g, ' ').trim());
}

function splitUnit(s: string, isNumber: (head: string) => boolean): [string, string] | undefined {
  const tokens = s.split(' ');
  // The longest unit first, so that "5 square feet" does not stop at "5 square".
  for (let k = Math.max(1, tokens.length - MAX_UNIT_TOKENS); k < tokens.length; k++) {
    const unit = tokens.slice(k).join(' ');
    if (!UNIT_RE.test(unit)) continue;
    const head = tokens.slice(0, k).join(' ');
    if (isNumber(head)) return [head, unit];
  }
  return undefined;
}

// Words after a number that change its value or meaning, so they are never read as what the number counts:
// powers and operations, comparisons, signs, parts ("2 thirds", "5 thousandths"), and plural scales ("3 thousands").
const NOT_COUNTED = new Set([
  'squared', 'cubed', 'factorial', 'percent', 'times', 'twice', 'thrice', 'more', 'less', 'fewer', 'left', 'over',
  'under', 'below', 'above', 'negative', 'positive', 'minus', 'plus', 'half', 'halves', 'third', 'thirds', 'quarter',
  'quarters', 'dozens', 'hundreds', 'thousands', 'millions', 'billions', 'trillions', 'impossible', 'possible', 'none',
  'not', 'root', 'roots', 'power', 'powers', 'degrees',
]);
/** "fifth", "tenths", "hundredths": a part, not a count. */
const PART_RE = /ths?$/;
// What a number counts: one to three plain words of three letters or more ("apples", "red apples"). Shorter
// words are likely variables or constants ("5 xy", "2 pi"), which must keep the answers apart.
const COUNTED_RE = /^(.*?) ((?:[a-z]{3,} ){0,2}[a-z]{3,})$/;

/**
 * `s` (lowercase, single spaces) without the plain words naming what a number counts, when what precedes them
 * is a number by `isNumber`: GSM8K answers are written "6 apples" and referenced "6". "2 pi", "5 xy",
 * "5 squared" and "5 million" keep their word.
 */
export function dropCountedNoun(s: string, isNumber: (head: string) => boolean): string {
  const match = COUNTED_RE.exec(s);
  if (!match) return s;
  const [, head = '', words = ''] = match;
  if (words.split(' ').some((w) => NOT_COUNTED.has(w) || SCALES.has(w) || PART_RE.test(w))) return s;
  return isNumber(head) ? head : s;
}

/**
 * For "5 million" (lowercase, single spaces), the number part and its factor: ["5", 1000000n]; null when `s` does
 * not end in a scale word after a space.
 */
export function splitScale(s: string): [string, bigint] | null {
  const at = s.lastIndexOf(' ');
  const factor = at <= 0 ? undefined : SCALES.get(s.slice(at + 1));
  return factor === undefined ? null : [s.slice(0, at), factor];
}
