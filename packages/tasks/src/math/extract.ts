// Finds the final answer written in a solution text: the last \boxed{...}, else "The answer is ...", else "#### ...".
import { braceMatches } from './latex.js';

const BOX_RE = /\\(?:boxed|fbox)(?![a-zA-Z])(\s*)/g;
// "the" is required so that "an answer is needed" is not read as a conclusion.
const ANSWER_IS_RE = /\bthe[ \t]+(?:final[ \t]+)?answer[ \t]+is(?![a-zA-Z])[ \t]*:?/gi;
// GSM8K's own format for the final answer line.
const HASHES_RE = /^[ \t]*####[ \t]*(.*)$/gm;

/**
 * The final answer written in `text`, or undefined when there is none:
 * 1. the content of the last `\boxed{...}` or `\fbox{...}` (braces balanced, `\boxed{\frac{1}{2}}` → `\frac{1}{2}`);
 *    `\boxed 42` (MATH's unbraced form) reads up to the next space or `$`; empty boxes are skipped;
 * 2. else what follows the last "the answer is" / "the final answer is" (any case, optional colon) up to the end of
 *    its line or the period that ends the sentence, without surrounding `$`, `**` and spaces;
 * 3. else the rest of the last line starting with `####`.
 */
export function extractAnswer(text: string): string | undefined {
  return lastBoxed(text) ?? lastAnswerIs(text) ?? lastHashes(text);
}

function lastBoxed(text: string): string | undefined {
  const starts = [...text.matchAll(BOX_RE)];
  if (starts.length === 0) return undefined;
  const match = braceMatches(text);
  for (let k = starts.length - 1; k >= 0; k--) {
    const m = starts[k] as RegExpExecArray;
    const at = m.index + m[0].length;
    let content: string | undefined;
    if (text[at] === '{') {
      const close = match[at] ?? -1;
      if (close >= 0) content = text.slice(at + 1, close);
    } else if (m[1] !== '' && /^[^\s$\\{}]/.test(text.slice(at, at + 1))) {
      content = /^[^\s$]+/.exec(text.slice(at))?.[0];
    }
    const answer = content?.trim();
    if (answer !== undefined && answer !== '') return answer;
  }
  return undefined;
}

function lastAnswerIs(text: string): string | undefined {
  const starts = [...text.matchAll(ANSWER_IS_RE)];
  for (let k = starts.length - 1; k >= 0; k--) {
    const m = starts[k] as RegExpExecArray;
    const start = m.index + m[0].length;
    const newline = text.indexOf('\n', start);
    const line = text.slice(start, newline < 0 ? text.length : newline);
    // A period followed by a space or the end closes the sentence; one followed by a digit is a decimal point.
    const sentence = line.split(/\.(?=\s|$)/, 1)[0] ?? '';
    const answer = stripDecoration(sentence);
    if (answer !== '') return answer;
  }
  return undefined;
}

function lastHashes(text: string): string | undefined {
  const lines = [...text.matchAll(HASHES_RE)];
  for (let k = lines.length - 1; k >= 0; k--) {
    const answer = stripDecoration(lines[k]?.[1] ?? '');
    if (answer !== '') return answer;
  }
  return undefined;
}

// LLMs wrap conclusions in math mode or markdown bold: "The answer is **$42$**."
function stripDecoration(text: string): string {
  let s = text.trim();
  for (;;) {
    const next = s.replace(/^(?:\$|\*\*)|(?:\$|\*\*)$/g, '').trim();
    if (next === s) return s;
    s = next;
  }
}
