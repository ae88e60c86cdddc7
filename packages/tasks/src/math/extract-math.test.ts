import { describe, expect, it } from 'vitest';
import { lastMathAnswer, scanMath } from './extract-math.js';

/** The spans of `text` as [display ? 'display' : 'inline', content]. */
const spans = (text: string): [string, string][] =>
  scanMath(text).spans.map((span) => [span.display ? 'display' : 'inline', span.content]);

describe('scanMath', () => {
  it.each([
    ['\\[ a \\] and \\( b \\)', [['display', ' a '], ['inline', ' b ']]],
    ['$$c$$ then $d$', [['display', 'c'], ['inline', 'd']]],
    ['$$\nx + 1\n$$', [['display', '\nx + 1\n']]],
    ['$ 9 $', [['inline', ' 9 ']]],
    ['($e$), $f$.', [['inline', 'e'], ['inline', 'f']]],
    ['**$7$**', [['inline', '7']]],
    ['$\\$5 + \\$3$', [['inline', '\\$5 + \\$3']]],
    ['$\\{1, 2\\}$', [['inline', '\\{1, 2\\}']]],
    ['a \\\\[2pt] b', []],
    ['\\(x\\) and $y$ and \\[z\\]', [['inline', 'x'], ['inline', 'y'], ['display', 'z']]],
    ['$a \\] b$', [['inline', 'a \\] b']]],
  ])('finds the math of %j', (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it.each([
    ['a dollar amount', 'It costs $5.', [], [9]],
    ['two dollar amounts', 'costs $5 and $6 each', [], [6, 13]],
    ['escaped dollars', 'costs \\$5 and \\$6', [], []],
    ['an amount before math', 'He had $2. Now $x = 3$.', [['inline', 'x = 3']], [7]],
    ['an amount after math', 'For $n$ it is $4', [['inline', 'n']], [14]],
    ['a dollar after a number', 'It is 5$ and $k$ is 2.', [['inline', 'k']], [7]],
    ['a paragraph between', 'Pay $3.\n\nThen $4 more.', [], [4, 14]],
    ['an unclosed $$', 'a $$ b', [], [2]],
    ['math followed by a digit', '$x$5', [], [0, 2]],
  ])('reads %s as prose: %j', (_, text, expected, prose) => {
    const scan = scanMath(text);
    expect(scan.spans.map((span) => [span.display ? 'display' : 'inline', span.content])).toEqual(expected);
    expect(scan.proseDollars).toEqual(prose);
  });

  it('skips unclosed \\[ and \\( and reports span positions', () => {
    expect(spans('\\[ 1 \\( 2')).toEqual([]);
    const [span] = scanMath('ab $cd$ ef').spans;
    expect(span).toEqual({ display: false, content: 'cd', start: 3, end: 7 });
  });
});

describe('lastMathAnswer', () => {
  it.each([
    ['The last display wins: \\[ 2 \\] and \\[ 3 \\].', '3'],
    ['Display math anywhere: $$ 4 $$ Then we are done.', '4'],
    ['Closing punctuation goes: \\[ y = 5. \\]', 'y = 5'],
    ['Inline of the last sentence: $p = 2$ and $q = 6$.', 'q = 6'],
    ['Or the one before a sentence without numbers: $m = 8$. That is all.', 'm = 8'],
    ['A failed display gives way to inline math after it: \\[ \\text{we now solve for the unknown side} \\] so $s = 9$.', 's = 9'],
  ])('%j → %j', (text, answer) => {
    expect(lastMathAnswer(text)).toBe(answer);
  });

  it.each([
    'No math here, only 5 and 6.',
    'Inline math before a failed display: $k$ and \\[ \\text{this is a sentence of prose} \\]',
    'Math two sentences back: $t = 1$. No numbers. None here either.',
    'Math before a sentence with a number: $t = 1$. It took 3 tries.',
    'A prose dollar after the math: for $n$ he paid $7.',
    'A sentence about the answer: let us check whether the answer is $3$.',
    'Empty math: $ $ and \\( \\).',
  ])('gives nothing: %j', (text) => {
    expect(lastMathAnswer(text)).toBeUndefined();
  });
});
