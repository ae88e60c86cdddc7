// An answer as written, turned into what the grader reads: a multiple-choice letter, an exact number (through the
// normaliser, which knows units, scale words and thousands separators), or LaTeX cleaned for the symbolic engine.
import type Fraction from 'fraction.js';
import { answerValue } from '../normalize.js';
import { isUnit } from '../units.js';

export type Reading =
  | { kind: 'choice'; letter: string }
  /** `ambiguous`: written like "1,234", which reads as a number or as a pair (1, 234); see grade.ts. */
  | { kind: 'number'; value: Fraction; decimal: boolean; places: number; ambiguous: boolean }
  /** `bareList`: items separated by commas with no bracket around them ("2, 3"), as "all solutions" are written. */
  | { kind: 'latex'; latex: string; bareList: boolean }
  /** Not read as mathematics: compared by its canonical form only. */
  | { kind: 'text' };

// "1,234" or "12,345.5": a comma before exactly three digits reads as a thousands separator or as a list separator.
const AMBIGUOUS_THOUSANDS_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;
// Wrappers that only say "this is text": \text{(C)} is the letter C.
const TEXT_WRAPPER_RE = /\\(?:text|textbf|textrm|textit|mathrm|mathbf|mbox)\s*\{([^{}]*)\}/g;
// A choice letter: capital A-J, with or without parentheses; a small letter only in parentheses, "(c)", since a
// bare "c" is as likely a variable.
const CHOICE_RE = /^(?:\(?([A-J])\)?|\(([a-j])\))\.?$/;

/** Math delimiters, sizing and spacing commands: how an answer is typeset, never what it is. */
function stripTypesetting(text: string): string {
  return (
    text
      .replace(/,\s*\\!\s*/g, ',')
      .replace(/\\\$/g, ' ')
      .replace(/\$+/g, ' ')
      // `\\` (a matrix's row break) is one token, kept: its second backslash opens nothing.
      .replace(/\\\\|\\[()[\]]/g, (token) => (token === '\\\\' ? token : ' '))
      .replace(/\\\\|\\(?:displaystyle|textstyle|!)/g, (token) => (token === '\\\\' ? token : ''))
      .replace(/\\\\|\\[,;: ]|~/g, (token) => (token === '\\\\' ? token : ' '))
      .replace(/\{,\}/g, ',')
      // Degrees, percent and currency signs: "30^\circ" is 30, "50\%" is 50 (see the README), "€5" is 5.
      .replace(/\^\s*\{\s*\\circ\s*\}|\^\s*\\circ(?![a-zA-Z])|\\degree(?![a-zA-Z])|\u00b0/g, '')
      .replace(/\\?%/g, '')
      .replace(/[€£¥]/g, ' ')
      .trim()
  );
}

/** `\boxed{...}` around the whole answer, unwrapped. */
function unboxed(text: string): string {
  const m = /^\\(?:boxed|fbox)\s*\{([\s\S]*)\}$/.exec(text);
  return m === null ? text : m[1]!.trim();
}

/** Trailing `\text{ cm}`-style units after something else. Other words stay: `5\text{ squared}` is not 5. */
function withoutTrailingText(text: string): string {
  let s = text;
  for (;;) {
    const m = /\s*\\(?:text|textrm|mbox|mathrm)\s*\{([^{}]*)\}\s*$/.exec(s);
    if (m === null || m.index === 0 || !isUnit(m[1] ?? '')) return s;
    s = s.slice(0, m.index);
  }
}

export function readAnswer(answer: string): Reading {
  const typeset = stripTypesetting(unboxed(answer.trim()));
  const plain = typeset.replace(TEXT_WRAPPER_RE, '$1').replace(/\s+/g, '');
  const choice = CHOICE_RE.exec(plain);
  if (choice !== null) return { kind: 'choice', letter: (choice[1] ?? choice[2] ?? '').toUpperCase() };
  // "x = 2" is read as an equation, so that its variable counts ("y = 2" is another answer); against a bare value
  // it still stands for 2.
  const value = /^\s*[A-Za-z]\s*=/.test(typeset) ? null : answerValue(answer);
  if (value !== null) {
    const ambiguous = AMBIGUOUS_THOUSANDS_RE.test(plain);
    // Digits written after the point: "0.50" shows 2, "\frac{1}{2}" none.
    const places = /\d\.(\d+)|^[+-]?\.(\d+)/.exec(plain.replace(/,/g, ''));
    const shown = places === null ? 0 : (places[1] ?? places[2] ?? '').length;
    return { kind: 'number', value, decimal: shown > 0, places: shown, ambiguous };
  }
  // A final period, not an ellipsis: "0.999..." is not 0.999.
  const latex = withoutTrailingText(typeset).replace(/(?<!\.)\.\s*$/, '').trim();
  // Two numbers side by side ("1 2", "1 000/3") are no one expression; the engine would join them into one number.
  if (/\d\s+\d/.test(latex)) return { kind: 'text' };
  // Letters only ("ABC", "dog"): an order of points or a word, not a product of variables (ABC is not CBA).
  if (/^[A-Za-z]{2,}$/.test(latex)) return { kind: 'text' };
  // "\pm 2" stands for two answers; the engine cannot read it (and says so on the console).
  if (/\\(?:pm|mp)(?![A-Za-z])/.test(latex)) return { kind: 'text' };
  return { kind: 'latex', latex, bareList: isBareList(latex) };
}

/**
 * Whether `latex` has a comma outside every bracket: "2, 3" and "(1, 2), (3, 4)" (a list of pairs) are bare lists;
 * "(1, 2)" and "\{1, 2\}" are not.
 */
function isBareList(latex: string): boolean {
  let depth = 0;
  let topLevelComma = false;
  for (let i = 0; i < latex.length; i++) {
    const c = latex[i]!;
    if (c === '\\' && /[{}]/.test(latex[i + 1] ?? '')) {
      depth += latex[i + 1] === '{' ? 1 : -1;
      i++;
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === ',' && depth === 0) topLevelComma = true;
  }
  return topLevelComma;
}
