// Just enough LaTeX reading for answers: matching braces and the arguments of a macro such as \frac or \boxed.

/**
 * For each `{` in `text`, the index of the `}` that closes it (-1 when it is never closed; other entries are -1
 * too). One pass, so callers that look at many groups of one text stay linear. `\{` and `\}` are literal braces in
 * LaTeX and do not count; `\\` (a line break) is skipped as a whole so the brace after it still counts.
 */
export function braceMatches(text: string): Int32Array {
  const match = new Int32Array(text.length).fill(-1);
  const open: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      open.push(i);
    } else if (c === '}') {
      const start = open.pop();
      if (start !== undefined) match[start] = i;
    }
  }
  return match;
}

export interface ControlSequence {
  /** `frac` for `\frac`, `,` for `\,`; '' for a backslash at the very end. */
  readonly name: string;
  /** Index just after the sequence. */
  readonly end: number;
}

/** The control sequence starting at the backslash `text[at]`: a word of letters, or a single other character. */
export function readControlSequence(text: string, at: number): ControlSequence {
  let end = at + 1;
  while (end < text.length && isLetter(text.charCodeAt(end))) end++;
  if (end === at + 1 && end < text.length) end++;
  return { name: text.slice(at + 1, end), end };
}

export interface Argument {
  /** The argument without its braces: `1` for both `{1}` and `1` in `\frac12`, `\pi` for `\frac\pi2`. */
  readonly content: string;
  readonly braced: boolean;
  readonly end: number;
}

/**
 * The macro argument that starts at `at` after optional spaces: a braced group, a control sequence, or one
 * character. Null when there is none (end of text, an unclosed group, or a closing brace).
 */
export function readArgument(text: string, at: number, match: Int32Array): Argument | null {
  let i = at;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  if (i >= text.length) return null;
  const c = text[i];
  if (c === '{') {
    const close = match[i] ?? -1;
    return close < 0 ? null : { content: text.slice(i + 1, close), braced: true, end: close + 1 };
  }
  if (c === '}') return null;
  if (c === '\\') {
    const { end } = readControlSequence(text, i);
    return { content: text.slice(i, end), braced: false, end };
  }
  return { content: c as string, braced: false, end: i + 1 };
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
