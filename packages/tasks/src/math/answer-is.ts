// Reads "The answer is X" conclusions and "Final Answer: X" labels. The phrase also appears in passing ("let us
// check whether the answer is reasonable ...", "the answer is 42, which matches"), and a step that merely
// mentions it must not end a trajectory with a made-up answer, so both where the phrase stands and what follows
// it are checked.
import { normalizeAnswer } from './normalize.js';
import { SCALE_WORDS, UNIT_WORDS } from './units.js';

// "the" is required so that "an answer is needed" is not read as a conclusion.
const ANSWER_IS_RE = /\bthe[ \t]+(?:final[ \t]+)?answer[ \t]+is(?![a-zA-Z])[ \t]*:?/gi;
// The label form: "Final Answer: X", "**Final Answer:** X", "**Final Answer**: X" (the MATH / Minerva few-shot
// format ends "Final Answer: The final answer is X. I hope it is correct."), and a "## Final Answer" heading with
// the answer on the next line. Whether a colon or the end of the line follows is checked after the match, so
// "the final answer is" (ANSWER_IS_RE's) and "the final answer of ..." are not labels.
const ANSWER_LABEL_RE = /(?<![a-zA-Z])(?:the[ \t]+)?final[ \t]+answer(?![a-zA-Z])/gi;
// Markdown around the label's colon: "**Final Answer:**", "__Final Answer__:".
const LABEL_MARKS_RE = /[ \t*_]*/y;
// How far before the phrase is read for the start of its sentence: enough for any real one, and bounded so that
// junk with many phrases stays linear.
const LOOK_BEHIND = 200;

// A sentence ends at . ! ? : or ; followed by a space (not "3.5"), possibly after closing quotes or markdown; or
// right before the phrase, where whitespace was lost ("= 42.The answer is 42").
const SENTENCE_END_RE = /[.!?:;]["')*_]*(?:\s|$)/g;
// Markdown and list marks before a sentence: "**The answer is", "> the answer is", "- The answer is", "(b) The
// answer is" ("1. The answer is" ends a "sentence" at "1. " already).
const LEADING_MARKS_RE = /^(?:[\s>#*_-]+|\(?(?:\d+|[a-z])\))+/i;
const TRAILING_MARKS = new Set([' ', '\t', '*', '_']);
// A whole lead-in that makes the phrase a conclusion: "So", "Therefore,", "And thus", "In conclusion,".
const LEAD_IN_RE = new RegExp(
  String.raw`^(?:and\s+)?(?:so|thus|hence|therefore|then|finally|overall|consequently|altogether|now|` +
    String.raw`in conclusion|in summary|in short|in total|in the end|all in all)\s*,?$`,
  'i',
);
// A clause boundary at the end of a longer sentence: "6 * 7 = 42, so", "Since 6 * 7 = 42,", "x = 5 so". Tested
// on the last CLAUSE_END_CHARS characters only, since a regex anchored at the end still tries every start.
const CLAUSE_END_RE = /(?:,|(?<![a-zA-Z])(?:so|thus|hence|therefore|consequently)\s?,?)$/i;
const CLAUSE_END_CHARS = 16;
// Sentences that state a condition or ask, rather than conclude: "If x = 3, the answer is 9".
const HYPOTHETICAL_RE =
  /^(?:if|when|whenever|suppose|supposing|assume|assuming|unless|whether|otherwise|what if|even if|in case)(?![a-zA-Z])/i;

// Where the answer stops: a period ending the sentence (not "3.5"), then a clause after ", " / "; " that starts
// with a word ("42, which matches"; but not "(1, 2)", "a=1, b=2", or the "and 3" of "1, 2, and 3"), a joining
// word before a word ("5 and it checks"), or a subordinate clause ("42 because ...").
const PERIOD_RE = /\.(?=\s|$)/;
const CLAUSE_CUT_RE = new RegExp(
  [
    String.raw`[,;]\s+(?!(?:and|or)\s+[^a-zA-Z\s])(?=[a-zA-Z]{2})`,
    String.raw`\s+(?:and|but|so)\s+(?=[a-zA-Z]{2})`,
    String.raw`\s+(?:which|because|since|as|for|when|where|while|if|given|assuming|though|although)(?![a-zA-Z])`,
  ].join('|'),
  'i',
);

/** Longer canonical forms are prose, not answers; real non-numeric answers ("\frac{\sqrt{3}}{2}") are shorter. */
export const MAX_ANSWER_KEY_LENGTH = 40;
// The same bound on the text as written, with room for LaTeX and units ("\$1{,}000.00 \text{ dollars}"). Checked
// before normalising, so that junk with many phrases does not normalise long prose once per phrase.
const MAX_ANSWER_LENGTH = 160;
// How far after the phrase is read: a longer answer is rejected anyway; the margin lets the clause cuts see the
// words after a cut near the limit.
const LOOK_AHEAD = MAX_ANSWER_LENGTH + 40;
// A canonical number: "42", "-3/2".
const NUMBER_KEY_RE = /^-?\d+(?:\/\d+)?$/;
// A word of prose: three or more letters, not a LaTeX command ("\frac") and not part of a longer run.
const WORD_RE = /(?<![\\a-zA-Z])[a-zA-Z]{3,}(?![a-zA-Z])/g;
// Words an answer may contain besides units and scale words: function names written without a backslash, and
// the join of compound answers ("3 hours and 20 minutes"; "or" is too short to count as prose).
const MATH_WORDS: ReadonlySet<string> = new Set([
  'sin', 'cos', 'tan', 'cot', 'sec', 'csc', 'log', 'exp', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh',
  'sqrt', 'mod', 'gcd', 'lcm', 'max', 'and',
]);
// One-word verdicts about an answer, not answers: "So the answer is correct."
const VERDICTS: ReadonlySet<string> = new Set([
  'correct', 'incorrect', 'wrong', 'right', 'reasonable', 'unreasonable', 'valid', 'invalid', 'plausible',
  'consistent', 'confirmed', 'verified', 'obvious', 'clear', 'unclear', 'unknown', 'same', 'different', 'above',
  'below', 'not', 'also', 'still', 'this', 'that', 'here', 'there',
]);

/** Where an answer phrase stands and where what it introduces starts. */
interface Phrase {
  readonly at: number;
  readonly answerAt: number;
  /** A label may have its answer on the next line ("Final Answer:\n$42$"); "the answer is" may not. */
  readonly nextLine: boolean;
}

/**
 * The answer of the last well-placed, answer-like "the (final) answer is X" or "Final Answer: X" in `text`, else
 * undefined.
 */
export function lastAnswerIs(text: string): string | undefined {
  const phrases = [...answerIsPhrases(text), ...labelPhrases(text)].sort((a, b) => a.at - b.at);
  for (let k = phrases.length - 1; k >= 0; k--) {
    const phrase = phrases[k] as Phrase;
    if (!opensClause(text, phrase.at)) continue;
    const at = phrase.nextLine ? skipBlankRest(text, phrase.answerAt) : phrase.answerAt;
    const answer = answerAfter(text, at);
    if (answer !== undefined) return answer;
  }
  return undefined;
}

function answerIsPhrases(text: string): Phrase[] {
  return [...text.matchAll(ANSWER_IS_RE)].map((m) => ({ at: m.index, answerAt: m.index + m[0].length, nextLine: false }));
}

/** The "Final Answer" matches followed by a colon or by the end of their line (a heading). */
function labelPhrases(text: string): Phrase[] {
  const phrases: Phrase[] = [];
  for (const m of text.matchAll(ANSWER_LABEL_RE)) {
    let at = skipLabelMarks(text, m.index + m[0].length);
    if (text[at] === ':') at = skipLabelMarks(text, at + 1);
    else if (at < text.length && text[at] !== '\n' && text[at] !== '\r') continue;
    phrases.push({ at: m.index, answerAt: at, nextLine: true });
  }
  return phrases;
}

function skipLabelMarks(text: string, at: number): number {
  LABEL_MARKS_RE.lastIndex = at;
  return LABEL_MARKS_RE.test(text) ? LABEL_MARKS_RE.lastIndex : at;
}

/**
 * `at`, or the start of the next non-blank line when the rest of the line from `at` is blank: a label's answer
 * may sit on the following line. Looks no further than LOOK_AHEAD, like answerAfter.
 */
function skipBlankRest(text: string, at: number): number {
  const ahead = text.slice(at, at + LOOK_AHEAD);
  const first = ahead.search(/\S/);
  const newline = first < 0 ? -1 : ahead.lastIndexOf('\n', first);
  return newline < 0 ? at : at + newline + 1;
}

/**
 * Whether the phrase at `at` starts a sentence or a concluding clause: at the start of a line or sentence, after
 * a lead-in such as "So" or "Therefore,", or after ", " / ", so" closing a clause of a sentence that does not
 * state a condition. "Let us check whether the answer is ..." and "If x = 3, the answer is 9" do not.
 */
function opensClause(text: string, at: number): boolean {
  const window = text.slice(Math.max(0, at - LOOK_BEHIND), at);
  const before = window.slice(window.lastIndexOf('\n') + 1);
  let sentenceStart = 0;
  for (const end of before.matchAll(SENTENCE_END_RE)) sentenceStart = end.index + end[0].length;
  let end = before.length;
  while (end > sentenceStart && TRAILING_MARKS.has(before[end - 1] as string)) end--;
  const sentence = before.slice(sentenceStart, end).replace(LEADING_MARKS_RE, '');
  if (sentence === '' || LEAD_IN_RE.test(sentence)) return true;
  return CLAUSE_END_RE.test(sentence.slice(-CLAUSE_END_CHARS)) && !HYPOTHETICAL_RE.test(sentence);
}

/** The answer-like text that starts at `at`, up to the end of its sentence or clause, else undefined. */
function answerAfter(text: string, at: number): string | undefined {
  const ahead = text.slice(at, at + LOOK_AHEAD);
  const newline = ahead.indexOf('\n');
  const line = newline < 0 ? ahead : ahead.slice(0, newline);
  const sentence = line.split(PERIOD_RE, 1)[0] ?? '';
  const clause = sentence.split(CLAUSE_CUT_RE, 1)[0] ?? '';
  const answer = stripDecoration(clause.replace(/[\s,;:]+$/, ''));
  return isAnswerLike(answer) ? answer : undefined;
}

// A matrix answer: its environment, and the environment's name in it.
const MATRIX_RE = /^\\begin\{(?:[pbvBV]?matrix|smallmatrix|array)\}/;
const MATRIX_NAME_RE = /\\(?:begin|end)\{(?:[pbvBV]?matrix|smallmatrix|array)\}/g;

/**
 * Whether `answer` reads as a final answer rather than prose: its canonical form is a number ("18 dollars",
 * "x = 5"), or it is short (canonical form ≤ MAX_ANSWER_KEY_LENGTH) and either has no prose word ("x^2 + 1",
 * "(2, 5)", "A", "2\pi"), is one token that is not a verdict ("Tuesday", not "correct"), or is a value followed by
 * one word ("42 cookies"). "reasonable by plugging in x = 3" and "not 5" are not answers.
 */
export function isAnswerLike(answer: string): boolean {
  if (answer.length > MAX_ANSWER_LENGTH) return false;
  const key = normalizeAnswer(answer);
  if (key === '') return false;
  // A number, perhaps with its unit or what it counts ("18 dollars", "6 red apples"): normalisation decides.
  if (NUMBER_KEY_RE.test(key)) return true;
  // A matrix: its environment's name is no prose, and its entries may take more room than a number.
  const matrix = MATRIX_RE.test(answer.trim());
  const bare = answer.replace(MATRIX_NAME_RE, ' ');
  const words = [...bare.matchAll(WORD_RE)].filter((w) => !isAnswerWord(w[0].toLowerCase()));
  if (words.length > 1) return false;
  if (key.length > MAX_ANSWER_KEY_LENGTH && !matrix) return false;
  if (words.length === 0) return true;
  if (!/\s/.test(answer)) return !VERDICTS.has(key);
  // A value and one trailing word: the word must end the answer, and a digit or LaTeX command come before it.
  const word = words[0];
  if (word === undefined || word.index + word[0].length !== answer.length) return false;
  return /[\d\\]/.test(answer.slice(0, word.index));
}

function isAnswerWord(word: string): boolean {
  return UNIT_WORDS.has(word) || SCALE_WORDS.has(word) || MATH_WORDS.has(word);
}

/**
 * `text` without surrounding spaces, `$`, `\(`/`\)`, `\[`/`\]` and markdown bold: LLMs write "The answer is
 * **$42$**." and "Final Answer: \(42\)". An escaped dollar (`\$5`) stays.
 */
export function stripDecoration(text: string): string {
  // Index moves rather than a regex replace per layer: a line of thousands of `$` stays linear.
  let start = 0;
  let end = text.length;
  for (;;) {
    while (start < end && /\s/.test(text[start] as string)) start++;
    while (end > start && /\s/.test(text[end - 1] as string)) end--;
    const from = start;
    const to = end;
    if (text.startsWith('**', start) && end - start >= 2) start += 2;
    else if (text[start] === '$') start += 1;
    else if (text[start] === '\\' && (text[start + 1] === '(' || text[start + 1] === '[')) start += 2;
    if (end - start >= 2 && text.startsWith('**', end - 2)) end -= 2;
    else if (end > start && text[end - 1] === '$' && text[end - 2] !== '\\') end -= 1;
    else if (end - start >= 2 && text[end - 2] === '\\' && (text[end - 1] === ')' || text[end - 1] === ']')) end -= 2;
    if (start === from && end === to) return text.slice(start, end);
  }
}
