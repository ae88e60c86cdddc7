// Infix expressions over + - * / and parentheses: a small recursive-descent parser, exact evaluation, and a
// printer with minimal parentheses. Unary minus and decimals are not part of the language: countdown answers
// combine the given positive integers only.
import { applyOp, normalizeOp, precedence, type Op } from './arithmetic.js';
import { parseRational, type Rational } from './rational.js';

export type Expr =
  | { readonly kind: 'num'; readonly text: string }
  | { readonly kind: 'op'; readonly op: Op; readonly left: Expr; readonly right: Expr };

export const MAX_EXPRESSION_LENGTH = 1000;
const MAX_DEPTH = 64;

export class ExpressionSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}

type Token = { readonly kind: 'num'; readonly text: string } | { readonly kind: 'op'; readonly op: Op } | { readonly kind: '(' | ')' };

/** Parses `(13-9)*(10-4)`; throws ExpressionSyntaxError (a plain parse failure, not a request error). */
export function parseExpression(text: string): Expr {
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ExpressionSyntaxError(`longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const tokens = tokenize(text);
  let pos = 0;
  let depth = 0;

  const peek = (): Token | undefined => tokens[pos];

  // expr := term (('+' | '-') term)*
  const expr = (): Expr => {
    let left = term();
    for (let t = peek(); t?.kind === 'op' && precedence(t.op) === 1; t = peek()) {
      pos++;
      left = { kind: 'op', op: t.op, left, right: term() };
    }
    return left;
  };
  // term := factor (('*' | '/') factor)*
  const term = (): Expr => {
    let left = factor();
    for (let t = peek(); t?.kind === 'op' && precedence(t.op) === 2; t = peek()) {
      pos++;
      left = { kind: 'op', op: t.op, left, right: factor() };
    }
    return left;
  };
  // factor := number | '(' expr ')'
  const factor = (): Expr => {
    const t = tokens[pos++];
    if (t === undefined) throw new ExpressionSyntaxError('unexpected end of expression');
    if (t.kind === 'num') return t;
    if (t.kind !== '(') throw new ExpressionSyntaxError(`unexpected "${t.kind === 'op' ? t.op : t.kind}"`);
    if (++depth > MAX_DEPTH) throw new ExpressionSyntaxError('parentheses nested too deeply');
    const inner = expr();
    if (tokens[pos++]?.kind !== ')') throw new ExpressionSyntaxError('missing ")"');
    depth--;
    return inner;
  };

  const result = expr();
  if (pos !== tokens.length) throw new ExpressionSyntaxError('unexpected text after the expression');
  return result;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c >= '0' && c <= '9') {
      let j = i;
      while (j < text.length && (text[j] as string) >= '0' && (text[j] as string) <= '9') j++;
      tokens.push({ kind: 'num', text: text.slice(i, j) });
      i = j;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c });
      i++;
    } else {
      const op = normalizeOp(c);
      if (op === null) throw new ExpressionSyntaxError(`unexpected character "${c}"`);
      tokens.push({ kind: 'op', op });
      i++;
    }
  }
  return tokens;
}

/** Exact value; null on division by zero or an unreadable literal. */
export function evaluate(expr: Expr): Rational | null {
  if (expr.kind === 'num') return parseRational(expr.text);
  const left = evaluate(expr.left);
  const right = evaluate(expr.right);
  return left === null || right === null ? null : applyOp(left, expr.op, right);
}

/** The literals of the expression, left to right. */
export function literals(expr: Expr): string[] {
  return expr.kind === 'num' ? [expr.text] : [...literals(expr.left), ...literals(expr.right)];
}

/** Compact infix with only the parentheses the grammar needs: `(13-9)*(10-4)`, `8/(3-8/3)`. */
export function formatExpression(expr: Expr): string {
  if (expr.kind === 'num') {
    // Composed answers can carry a claimed literal such as -3 or 1/5; parenthesise it so it reads as one unit.
    return /^\d+$/.test(expr.text) ? expr.text : `(${expr.text})`;
  }
  const p = precedence(expr.op);
  const left = formatExpression(expr.left);
  const right = formatExpression(expr.right);
  const leftNeeds = expr.left.kind === 'op' && precedence(expr.left.op) < p;
  // a-(b-c), a-(b+c), a/(b*c), a/(b/c): the right side of - and / needs parentheses at equal precedence too.
  const rightNeeds =
    expr.right.kind === 'op' && (precedence(expr.right.op) < p || (precedence(expr.right.op) === p && (expr.op === '-' || expr.op === '/')));
  return `${leftNeeds ? `(${left})` : left}${expr.op}${rightNeeds ? `(${right})` : right}`;
}
