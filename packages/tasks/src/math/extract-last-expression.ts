// The last resort of answer extraction: the last numeric expression of the last sentence ("... so the volume is
// 120." → "120"), for outputs that end without any answer marker or math delimiter. A guess, so a conservative
// one: only numbers and arithmetic are read (never prose words), only at the end of the text, and nothing when
// the number there is a piece of something it cannot read (`2x`, `x^2`, `\frac{1}{2}`, "(2, 5)", "x < 5").
import { lastSentences, mentionsAnswerIs } from './extract-sentences.js';

// One number: "120", "10,455" (thousands groups only: "1,2" is a list), "3.5", ".5", with a currency dollar
// ("$5", "\$5") or a percent sign around it. A sign only counts against its number ("-3", not the "- 5" of
// "x - 5").
const TERM = String.raw`[-\u2212]?(?:\\?\$\s?)?[-\u2212]?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)%?`;
// Numbers joined by arithmetic: "3 + 4 = 7", "-3/4", "6 × 7". One operator between two terms, so no nested
// quantifier can backtrack.
const EXPRESSION_RE = new RegExp(String.raw`${TERM}(?:\s*[-+*/=\u00d7\u00f7\u2212\u00b7]\s*${TERM})*`, 'g');
// A character against the expression that makes it part of a larger one it cannot read: a variable or unit
// glued to it ("2x", "5cm"), LaTeX (`\frac{1}{2}`, `x^2`, `a_1`), or a ratio or time ("3:4").
const GLUED_RE = /[A-Za-z0-9\\^_{}:]/;
// What before the expression says it is not the answer: "not 5", "more than 5", "x < 5", an operator whose
// other operand is not a number ("3x + 2 = 11" must not give "11"), or a list or tuple whose other items would
// be lost ("1, 2, and 3", "(2, 5)", "$5 and $6").
const NOT_AN_ANSWER_BEFORE_RE = new RegExp(
  [
    String.raw`(?<![A-Za-z])(?:not|never|than)\s*$`,
    String.raw`[<>\u2264\u2265\u2260+*/^\u00d7\u00f7\u2212\u00b7-]\s*$`,
    String.raw`\d%?\s*(?:,\s*(?:(?:and|or)\s+)?|(?:and|or)\s+)$`,
  ].join('|'),
  'i',
);
// An expression after "=" is a value only when what the "=" defines is a name: "x = -3/4", "Total = 42",
// "f(3) = 7"; not "2x = 6" (an equation still to solve) or "x^2 = 4".
const EQUALS_BEFORE_RE = /=\s*$/;
const NAME_EQUALS_RE = /(?:^|[^A-Za-z0-9\\^_}])(?:[A-Za-z]+|[A-Za-z]\([^()]{1,20}\))\s*=\s*$/;
// How much of the sentence before the expression those checks read.
const BEFORE_CHARS = 40;

/**
 * The last numeric expression of the last sentence of `text` that has any letter or digit, read after its last
 * `=` ("so x = -3/4." → "-3/4", "3 + 4 = 7" → "7") and without currency dollars ("\$5" → "5"). When that
 * sentence has no number at all ("I hope it is correct."), the sentence before it is read instead; never
 * further back. Undefined when the expression there is glued to letters or LaTeX, or follows "not", "than", an
 * inequality sign, another operator or a list comma (see above), and when a sentence read says "answer is"
 * (see mentionsAnswerIs).
 */
export function lastExpression(text: string): string | undefined {
  for (const range of lastSentences(text, 2)) {
    const sentence = text.slice(range.start, range.end);
    if (mentionsAnswerIs(sentence)) return undefined;
    const found = expressionIn(sentence);
    if (found !== null) return found;
  }
  return undefined;
}

/**
 * The answer read from the last expression of `sentence`: a string, undefined when that expression is not one
 * (so that the caller does not look further back), or null when the sentence has no expression at all.
 */
function expressionIn(sentence: string): string | undefined | null {
  let last: RegExpExecArray | undefined;
  for (const m of sentence.matchAll(EXPRESSION_RE)) last = m;
  if (last === undefined) return null;
  const before = sentence.slice(Math.max(0, last.index - BEFORE_CHARS), last.index);
  const after = sentence[last.index + last[0].length];
  if (GLUED_RE.test(before.slice(-1)) || (after !== undefined && GLUED_RE.test(after))) return undefined;
  if (NOT_AN_ANSWER_BEFORE_RE.test(before)) return undefined;
  if (EQUALS_BEFORE_RE.test(before) && !NAME_EQUALS_RE.test(before)) return undefined;
  const value = last[0].slice(last[0].lastIndexOf('=') + 1);
  const answer = value.replace(/\\?\$\s?/g, '').trim();
  return /\d/.test(answer) ? answer : undefined;
}
