// Finds the final answer written in a solution text: the last \boxed{...}, else "The answer is ...", else "#### ...".
import { lastAnswerIs, stripDecoration } from './answer-is.js';
import { braceMatches } from './latex.js';

const BOX_RE = /\\(?:boxed|fbox)(?![a-zA-Z])(\s*)/g;
// GSM8K's own format for the final answer line.
const HASHES_RE = /^[ \t]*####[ \t]*(.*)$/gm;

/**
 * The final answer written in `text`, or undefined when there is none:
 * 1. the content of the last `\boxed{...}` or `\fbox{...}` (braces balanced, `\boxed{\frac{1}{2}}` → `\frac{1}{2}`);
 *    `\boxed 42` (MATH's unbraced form) reads up to the next space or `$`; empty boxes are skipped;
 * 2. else what follows the last "the answer is" / "the final answer is" (any case, optional colon) that starts a
 *    sentence or concluding clause ("So the answer is", "6 * 7 = 42, so the answer is", not "check whether the
 *    answer is"), up to the end of its line, sentence or clause (", which ...", " because ..."), without
 *    surrounding `$`, `**` and spaces, when that reads as an answer and not as prose (see answer-is.ts);
 * 3. else the rest of the last line starting with `####`, as written.
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

function lastHashes(text: string): string | undefined {
  const lines = [...text.matchAll(HASHES_RE)];
  for (let k = lines.length - 1; k >= 0; k--) {
    const answer = stripDecoration(lines[k]?.[1] ?? '');
    if (answer !== '') return answer;
  }
  return undefined;
}
