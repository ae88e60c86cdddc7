// Canonical spelling of a final answer, so that "0.5", "1/2" and "\dfrac12" compare (and vote) as one answer.
import type Fraction from 'fraction.js';
import { braceMatches, readArgument, readControlSequence } from './latex.js';
import { formatNumber, parseNumber } from './number.js';
import { dropCountedNoun, dropUnit, splitScale, unitOf } from './units.js';

/** Longer answers are compared as plain text (lowercase, whitespace only between digits); no real answer is this long. */
export const MAX_NORMALIZED_LENGTH = 2000;
/** Deeper brace nesting is left as written, so junk cannot exhaust the stack. */
const MAX_GROUP_DEPTH = 32;

// Macros whose argument is prose (units, labels): kept as words so that trailing units can be dropped.
const TEXT_MACROS = new Set(['text', 'textrm', 'textbf', 'textit', 'textnormal', 'textup', 'mathrm', 'mathbf', 'mathit', 'mbox', 'operatorname']);
const FRAC_MACROS = new Set(['frac', 'dfrac', 'tfrac', 'cfrac']);
const BOX_MACROS = new Set(['boxed', 'fbox']);
// Sizing and style commands that change how an answer looks, never what it is.
const DROPPED_WORDS = new Set(['left', 'right', 'big', 'Big', 'bigl', 'bigr', 'Bigl', 'Bigr', 'displaystyle', 'textstyle', 'degree']);
const SPACE_WORDS = new Set(['quad', 'qquad']);
// Control symbols: thin and medium spaces become spaces; \! (negative space), math-mode delimiters \( \) \[ \],
// and escaped \$ and \% vanish.
const SPACE_SYMBOLS = new Set([',', ';', ':', '>', ' ']);
const DROPPED_SYMBOLS = new Set(['!', '(', ')', '[', ']', '$', '%']);

const DEGREES_RE = /\^\s*(?:\{\s*\\circ\s*\}|\\circ(?![a-zA-Z]))|\u00b0/g;

/**
 * The canonical form of an answer, for equality tests and majority vote. Never throws.
 *
 * - LaTeX is cleaned first: `$`, `\(`/`\)`, `\left`/`\right`, `\!` and thin spaces, `\boxed{}` wrappers, `^\circ`
 *   and `°`, `\$`/`$`, `\%`/`%`, and `\text{...}` (kept as words). `\dfrac`, `\tfrac` become `\frac`, and macro
 *   arguments are braced (`\frac12` → `\frac{1}{2}`, `\sqrt2` → `\sqrt{2}`).
 * - Percent signs are dropped and the number kept: "50%" is "50", not "1/2", because "what percent ...?"
 *   questions are answered and referenced with the bare number. So "50%" and "0.5" are different answers.
 * - A trailing unit from the list in units.ts is dropped after a number ("18 dollars", "5 square feet",
 *   "10 cm^2", "60 km/h"), as are the plain words naming what a number counts ("6 red apples" → "6"; words of
  three letters or more, see units.ts), a leading `x =` and a trailing period. Other words stay: "2 pi" is not
  "2", "5 squared" not "5".
 * - A single number (integer, decimal, `p/q`, `\frac{p}{q}`, mixed `1 1/2`, with thousands separators) becomes its
 *   exact value in lowest terms: "1,000" → "1000", "-0" → "0", "007" → "7", "0.50" → "1/2", "-\frac{1}{2}" →
 *   "-1/2"; so does one followed by a scale word ("5 million" → "5000000", "2 dozen" → "24").
 *   `3\frac{1}{2}` is not read as a mixed number (in LaTeX it could be a product) and stays text.
 * - Anything else (`x^2+1`, `(1,2)`, `5\sqrt{2}`) becomes the cleaned text, lowercase, with single-character
 *   exponents and subscripts unbraced (`x^{2}` → `x^2`), and without whitespace except one space between two
 *   digits, so that "1 2" stays two numbers rather than becoming "12".
 */
export function normalizeAnswer(answer: string): string {
  if (answer.length > MAX_NORMALIZED_LENGTH) return compactSpaces(answer).toLowerCase();
  const s = cleanedAnswer(answer);
  const value = numericValue(s);
  if (value !== null) return formatNumber(value);
  // The space kept after a comma only stopped "32, 349" reading as 32349: the text key does without it.
  return compactSpaces(s)
    .replace(/, (?=\d)/g, ',')
    .replace(/([_^])\{([^{}\\])\}/g, '$1$2');
}

/** The exact value of an answer that is one number as normalizeAnswer reads it ("1,000", "5 million", "$18"), else null. */
export function answerValue(answer: string): Fraction | null {
  return answer.length > MAX_NORMALIZED_LENGTH ? null : numericValue(cleanedAnswer(answer));
}

/** The unit an answer's number carries ("5 cm" → "cm", "18 dollars" → "dollars"), else ''. */
export function answerUnit(answer: string): string {
  if (answer.length > MAX_NORMALIZED_LENGTH) return '';
  return unitOf(cleanedAnswer(answer, { keepUnit: true }), (head) => numericValue(head) !== null);
}

/** The answer with its LaTeX rewritten, lowercase, without units, counted nouns, a leading `x =` or a final period. */
function cleanedAnswer(answer: string, options: { keepUnit?: boolean } = {}): string {
  let s = answer
    .replace(/[\u2212\u2013]/g, '-') // minus sign and en dash, as PDFs and LLMs write them
    .replace(/\{,\}/g, ',') // 1{,}000: the LaTeX way to write a thousands separator without extra space
    .replace(/,\s*\\!\s*/g, ',') // 32,\!349: a comma with the space after it taken back, as MATH writes thousands
    .replace(DEGREES_RE, '');
  s = rewrite(s, 0)
    .replace(/[$%~€£¥]/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    // A final period, not an ellipsis: "0.999..." is not 0.999.
    .replace(/(?<!\.)\s*\.$/, '')
    .replace(/^[a-z]\s*=\s*(?=[^=]*$)/, '');
  if (options.keepUnit) return s;
  s = dropUnit(s, (head) => numericValue(head) !== null);
  return dropCountedNoun(s, (head) => numericValue(head) !== null);
}

// The value of `s` (cleaned, lowercase) when it is one number, possibly scaled ("5 million"), else null.
function numericValue(s: string): Fraction | null {
  const value = parseNumber(compactSpaces(s));
  if (value !== null) return value;
  const scaled = splitScale(s);
  const head = scaled === null ? null : parseNumber(compactSpaces(scaled[0]));
  return head === null || scaled === null ? null : head.mul(scaled[1]);
}

/**
 * `s` without whitespace, except a single space where it separates two digits, or a comma and a digit. Removing
 * that one too would join two numbers into one ("1 2" → "12", "32, 349" → "32,349", which reads as thousands);
 * keeping it lets parseNumber read it as a thousands separator ("1 000") or a mixed number ("2 1/2"), or else keeps
 * the text apart from every single number.
 */
function compactSpaces(s: string): string {
  return s.replace(/\s+/g, (run: string, at: number) => ((isDigit(s[at - 1]) || s[at - 1] === ',') && isDigit(s[at + run.length]) ? ' ' : ''));
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** Rewrites the macros of `text` (see normalizeAnswer); everything else is copied. */
function rewrite(text: string, depth: number): string {
  if (depth > MAX_GROUP_DEPTH) return text;
  const match = braceMatches(text);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    const close = match[i] ?? -1;
    if (c === '{' && close >= 0) {
      out += `{${rewrite(text.slice(i + 1, close), depth + 1)}}`;
      i = close + 1;
    } else if (c === '\\') {
      const [piece, next] = rewriteMacro(text, i, match, depth);
      out += piece;
      i = next;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The replacement for the control sequence at `at`, and the index after everything it consumed. */
function rewriteMacro(text: string, at: number, match: Int32Array, depth: number): [string, number] {
  const { name, end } = readControlSequence(text, at);
  const inner = (content: string): string => rewrite(content, depth + 1).trim();
  if (TEXT_MACROS.has(name) || BOX_MACROS.has(name)) {
    const arg = readArgument(text, end, match);
    if (arg === null) return ['', end];
    return [BOX_MACROS.has(name) ? inner(arg.content) : ` ${inner(arg.content)} `, arg.end];
  }
  if (FRAC_MACROS.has(name)) {
    const num = readArgument(text, end, match);
    const den = num === null ? null : readArgument(text, num.end, match);
    if (num === null || den === null) return ['\\frac', end];
    return [`\\frac{${inner(num.content)}}{${inner(den.content)}}`, den.end];
  }
  if (name === 'sqrt') {
    const index = /^\s*\[([^\]]*)\]/.exec(text.slice(end));
    const argAt = index === null ? end : end + index[0].length;
    const arg = readArgument(text, argAt, match);
    if (arg === null) return ['\\sqrt', end];
    const root = index === null ? '' : `[${inner(index[1] ?? '')}]`;
    return [`\\sqrt${root}{${inner(arg.content)}}`, arg.end];
  }
  if (DROPPED_WORDS.has(name) || DROPPED_SYMBOLS.has(name)) return ['', end];
  if (SPACE_WORDS.has(name) || SPACE_SYMBOLS.has(name)) return [' ', end];
  return [text.slice(at, end), end];
}
