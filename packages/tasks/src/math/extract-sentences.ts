// The last sentences of a model's output, where an answer that nothing marks is looked for. Only the end of the
// text is read: a number or formula further back is part of the working, not the answer.

// A sentence ends at . ! or ? before a space (not the "." of "3.5"), or at a line break: model output puts steps,
// list items and equations on lines of their own.
const SENTENCE_END_RE = /[.!?](?=\s)|\n/g;

export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * The last `count` sentences of `text` that hold a letter or digit, last first, as index ranges. A sentence end
 * inside one of `masked` (math spans, in text order and not overlapping) does not count: "$x = 3. y$" is one
 * piece of math.
 */
export function lastSentences(text: string, count: number, masked: readonly Range[] = []): Range[] {
  const ends = [0];
  let span = 0;
  for (const m of text.matchAll(SENTENCE_END_RE)) {
    while (span < masked.length && (masked[span] as Range).end <= m.index) span++;
    const mask = masked[span];
    if (mask !== undefined && mask.start <= m.index) continue;
    ends.push(m.index + m[0].length);
  }
  ends.push(text.length);
  const sentences: Range[] = [];
  for (let k = ends.length - 1; k > 0 && sentences.length < count; k--) {
    const range = { start: ends[k - 1] as number, end: ends[k] as number };
    if (/[A-Za-z0-9]/.test(text.slice(range.start, range.end))) sentences.push(range);
  }
  return sentences;
}

// "the answer is" anywhere in a sentence. The unmarked rules run only after the "the answer is" rule declined
// every such phrase, so a sentence with one talks about the answer without stating it ("Let us check whether
// the answer is 7 by plugging in x = 3.", "If x = 3, the answer is 9."): its numbers are not read either.
const ANSWER_IS_RE = /\banswer[ \t]+is(?![a-zA-Z])/i;

/** Whether `sentence` says "answer is", which the unmarked rules leave to the "the answer is" rule. */
export function mentionsAnswerIs(sentence: string): boolean {
  return ANSWER_IS_RE.test(sentence);
}
