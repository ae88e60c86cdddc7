// Finds the final answer written in a model's output: where the output marks it (a box, "The answer is", "Final
// Answer:", "####"), else — for outputs that mark nothing — its last math or last number.
import { lastAnswerIs, stripDecoration } from './answer-is.js';
import { lastExpression } from './extract-last-expression.js';
import { lastMathAnswer } from './extract-math.js';
import { cutAtTemplateToken } from './extract-template.js';
import { braceMatches } from './latex.js';

const BOX_RE = /\\(?:boxed|fbox)(?![a-zA-Z])(\s*)/g;
// GSM8K's own format for the final answer line.
const HASHES_RE = /^[ \t]*####[ \t]*(.*)$/gm;

export interface ExtractOptions {
  /**
   * Whether an answer that nothing marks is read too (rules 5 and 6 below); true by default. False for a step
   * of a solution: most steps hold an equation or a number, and reading those as answers would end every
   * trajectory at its first step.
   */
  readonly unmarked?: boolean;
}

/**
 * The final answer written in `text`, or undefined when there is none. The first rule that gives a non-empty
 * answer wins:
 * 1. (not a rule of its own) everything from the first chat-template token on (`<|im_end|>`, `<|eot_id|>`,
 *    `</s>`, `<end_of_turn>`, ...) is ignored: it is a next turn the model made up (see extract-template.ts);
 * 2. the content of the last `\boxed{...}` or `\fbox{...}` (braces balanced, `\boxed{\frac{1}{2}}` → `\frac{1}{2}`);
 *    `\boxed 42` (MATH's unbraced form) reads up to the next space or `$`; empty boxes are skipped;
 * 3. else what follows the last "the answer is" / "the final answer is" (any case, optional colon) that starts a
 *    sentence or concluding clause ("So the answer is", "6 * 7 = 42, so the answer is", not "check whether the
 *    answer is"), or the last "Final Answer:" label ("**Final Answer:** 42"; a "Final Answer" heading takes the
 *    next non-blank line), up to the end of its line, sentence or clause (", which ...", " because ..."), without
 *    surrounding `$`, `\(`, `**` and spaces, when that reads as an answer and not as prose (see answer-is.ts).
 *    "Final Answer: The final answer is $10,455$. I hope it is correct." → `10,455`;
 * 4. else the rest of the last line starting with `####`, as written;
 * 5. unless `options.unmarked` is false: else the content of the last display math (`\[...\]`, `$$...$$`), else
 *    of the last inline math (`\(...\)`, `$...$`), when it reads as an answer; prose dollar amounts
 *    (`$5 and $6`, `\$5`) are not math (see extract-math.ts);
 * 6. unless `options.unmarked` is false: else the last numeric expression of the last sentence, after its last
 *    `=` ("so the volume is 120." → `120`, "so x = -3/4." → `-3/4`), or of the sentence before when the last
 *    has no number; never prose (see extract-last-expression.ts).
 * Rules 5 and 6 read nothing from a sentence that says "answer is": rule 3 found it no conclusion ("Let us check
 * whether the answer is 7 by plugging in x = 3." gives no answer, not 3).
 */
export function extractAnswer(text: string, options: ExtractOptions = {}): string | undefined {
  const reply = cutAtTemplateToken(text);
  const marked = lastBoxed(reply) ?? lastAnswerIs(reply) ?? lastHashes(reply);
  if (marked !== undefined || options.unmarked === false) return marked;
  return lastMathAnswer(reply) ?? lastExpression(reply);
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
