// Finds the math of a text the way LaTeX delimits it — display math \[...\] and $$...$$, inline math \(...\) and
// $...$ — and reads an answer from it when nothing marks one. Model output mixes math with prose dollar amounts
// ("costs $5 and $6"), which pairing dollars blindly would read as the math "5 and ", so a single `$` only opens
// and closes where math would; the others are prose.
import { isAnswerLike } from './answer-is.js';
import { lastSentences, mentionsAnswerIs } from './extract-sentences.js';

export interface MathSpan {
  readonly display: boolean;
  /** What stands between the delimiters, as written. */
  readonly content: string;
  /** Index of the opening delimiter. */
  readonly start: number;
  /** Index just past the closing delimiter. */
  readonly end: number;
}

export interface MathScan {
  /** In text order. */
  readonly spans: readonly MathSpan[];
  /** Indices of the `$` and `$$` read as prose: dollar amounts, or delimiters never closed. */
  readonly proseDollars: readonly number[];
}

// Characters that may follow a closing `$` although they are not spaces: "$x$.", "($x$)", "**$5$**".
const AFTER_CLOSE = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '"', "'", '*', '_', '-']);

/**
 * The math spans of `text`, in one linear pass. `\$` is an escaped dollar and `\\` a line break, never
 * delimiters. `\[`, `\(` and `$$` run to their closer (unclosed, they are skipped). A single `$` opens inline math
 * only when a `$` in the same paragraph can close it: not followed by a digit (`$5 and $6`), not looking like an
 * opener itself (a space before it and a character after it: the second `$` of `$2. Now $x`), and not the start
 * of `$$`. Otherwise the first `$` is prose and the scan goes on from the next character, so a stray dollar
 * amount does not shift the pairing of every `$` after it. `$ 9 $` is math: spaces inside are allowed.
 */
export function scanMath(text: string): MathScan {
  const spans: MathSpan[] = [];
  const proseDollars: number[] = [];
  // Closers already searched for up to the end of the text in vain: searching again would rescan the tail from
  // every later opener, quadratic on junk such as "\[" repeated.
  const exhausted = new Set<string>();
  const closeOf = (closer: string, from: number): number => {
    if (exhausted.has(closer)) return -1;
    const close = findCloser(text, closer, from);
    if (close < 0) exhausted.add(closer);
    return close;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '\\') {
      if (next === '[' || next === '(') {
        const close = closeOf(next === '[' ? '\\]' : '\\)', i + 2);
        if (close >= 0) {
          spans.push({ display: next === '[', content: text.slice(i + 2, close), start: i, end: close + 2 });
          i = close + 2;
          continue;
        }
      }
      i += 2;
    } else if (c === '$' && next === '$') {
      const close = closeOf('$$', i + 2);
      if (close < 0) {
        proseDollars.push(i);
        i += 2;
      } else {
        spans.push({ display: true, content: text.slice(i + 2, close), start: i, end: close + 2 });
        i = close + 2;
      }
    } else if (c === '$') {
      const close = inlineClose(text, i);
      if (close < 0) {
        proseDollars.push(i);
        i++;
      } else {
        spans.push({ display: false, content: text.slice(i + 1, close), start: i, end: close + 1 });
        i = close + 1;
      }
    } else {
      i++;
    }
  }
  return { spans, proseDollars };
}

/** Index of the first `closer` (`\]`, `\)` or `$$`) from `from`, stepping over `\x` pairs; -1 when there is none. */
function findCloser(text: string, closer: string, from: number): number {
  for (let k = from; k < text.length; k++) {
    if (text.startsWith(closer, k)) return k;
    if (text[k] === '\\') k++;
  }
  return -1;
}

/** Index of the `$` closing the inline math opened by the `$` at `open`, or -1 when that `$` is prose. */
function inlineClose(text: string, open: number): number {
  // "5$ and": a `$` after a character and before a space ends something; it does not open math.
  if (open > 0 && !isSpace(text[open - 1]) && isSpace(text[open + 1])) return -1;
  let close = -1;
  for (let k = open + 1; k < text.length; k++) {
    const c = text[k];
    if (c === '\\') k++;
    else if (c === '$') {
      close = k;
      break;
    } else if (c === '\n' && /^\n[ \t]*\n/.test(text.slice(k, k + 80))) return -1; // inline math stays in its paragraph
  }
  if (close < 0 || text[close + 1] === '$') return -1;
  if (text.slice(open + 1, close).trim() === '') return -1;
  const after = text[close + 1];
  if (after === undefined || isSpace(after)) return close;
  if (after >= '0' && after <= '9') return -1;
  return isSpace(text[close - 1]) && !AFTER_CLOSE.has(after) ? -1 : close;
}

function isSpace(c: string | undefined): boolean {
  return c !== undefined && /\s/.test(c);
}

// Punctuation that ends the sentence inside display math ("\\[ x = 3. \\]"), not part of the answer.
const TRAILING_PUNCTUATION = new Set(['.', ',', ';']);

/**
 * The answer written as math when nothing marks one, trimmed and without closing punctuation, when it reads as
 * an answer (isAnswerLike: no prose, no long derivation):
 * - the content of the last display math of `text`, wherever it stands, unless a number follows it (then it was
 *   working, not the result): models set their result apart so;
 * - else the last inline math of the last sentence (one with a letter or digit), or of the sentence before when
 *   the last has neither math nor a number ("... is $120$. I hope it is correct."). Inline math further back sets
 *   the problem up ("Let $x$ be the width. ... we get 12." is about 12, which the caller's last resort reads);
 *   so does inline math before a display that is no answer.
 * Neither is read from a sentence that says "answer is" (see mentionsAnswerIs).
 * Undefined when a prose `$` follows that inline math: "For $x$ it costs $5." is about $5, and the pairing of
 * its dollars is unsure; and when it holds no number and a number follows it in its sentence ("The largest $n$ is
 * 34.").
 */
export function lastMathAnswer(text: string): string | undefined {
  const { spans, proseDollars } = scanMath(text);
  const display = spans.findLast((span) => span.display);
  // Display math with a number after it is working, not the result: "\[ 2x + 3 = 11 \] so x = 4." is about 4.
  const settled = display !== undefined && !/\d/.test(text.slice(display.end));
  const fromDisplay = settled ? mathAnswer(display.content) : undefined;
  if (fromDisplay !== undefined) return fromDisplay;
  const inline = lastInline(text, spans);
  if (inline === undefined || (display !== undefined && inline.start < display.start)) return undefined;
  if (proseDollars.some((at) => at > inline.end)) return undefined;
  // "The largest $n$ is 34.": math without a number names what the sentence goes on to give; the number after it
  // is the answer (the caller's last resort reads it). "We get $13$ out of 14 tries." keeps its 13.
  if (!/\d/.test(inline.content) && /\d/.test(restOfSentence(text, inline.end))) return undefined;
  return mathAnswer(inline.content);
}

/** The text from `from` to the end of its sentence (as lastSentences cuts them). */
function restOfSentence(text: string, from: number): string {
  const rest = text.slice(from);
  const end = rest.search(/[.!?](?=\s)|\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

/** The last inline span of the last sentence, or of the one before when the last has no math and no number. */
function lastInline(text: string, spans: readonly MathSpan[]): MathSpan | undefined {
  for (const range of lastSentences(text, 2, spans)) {
    const sentence = text.slice(range.start, range.end);
    if (mentionsAnswerIs(sentence)) return undefined;
    const inRange = spans.filter((span) => span.start >= range.start && span.start < range.end);
    const inline = inRange.findLast((span) => !span.display);
    if (inline !== undefined || inRange.length > 0 || /\d/.test(sentence)) return inline;
  }
  return undefined;
}

function mathAnswer(content: string): string | undefined {
  // An index loop, not /[\s.,;]+$/: a regex anchored at the end retries from every position of a long run.
  let end = content.length;
  while (end > 0 && (TRAILING_PUNCTUATION.has(content[end - 1] as string) || isSpace(content[end - 1]))) end--;
  const answer = content.slice(0, end).trim();
  return isAnswerLike(answer) ? answer : undefined;
}
