// The four countdown operators: their symbols, their exact results, and how they bind when printed.
import type { Rational } from './rational.js';

export type Op = '+' | '-' | '*' | '/';

export const OPS: readonly Op[] = ['+', '-', '*', '/'];

// People and LLMs write these too; we read them and always print ASCII.
const ALIASES: Readonly<Record<string, Op>> = {
  '+': '+',
  '-': '-',
  '\u2212': '-',
  '*': '*',
  x: '*',
  X: '*',
  '\u00d7': '*',
  '/': '/',
  '\u00f7': '/',
};

export function normalizeOp(symbol: string): Op | null {
  return ALIASES[symbol] ?? null;
}

/** Exact result, or null for division by zero (the only illegal operation). */
export function applyOp(a: Rational, op: Op, b: Rational): Rational | null {
  switch (op) {
    case '+':
      return a.add(b);
    case '-':
      return a.sub(b);
    case '*':
      return a.mul(b);
    case '/':
      return b.n === 0n ? null : a.div(b);
  }
}

/**
 * Whether one of the six ordered operations on x and y gives the target exactly: the whole of a two-number
 * state's search, cheap enough for heuristics to use as an exact check.
 */
export function combinesTo(x: Rational, y: Rational, target: Rational): boolean {
  for (const [a, b] of [
    [x, y],
    [y, x],
  ] as const) {
    for (const op of OPS) {
      if (applyOp(a, op, b)?.equals(target) === true) return true;
    }
  }
  return false;
}

export function precedence(op: Op): number {
  return op === '+' || op === '-' ? 1 : 2;
}
