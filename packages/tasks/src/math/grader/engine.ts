// The symbolic engine behind math grading: the Cortex Compute Engine, which parses LaTeX into MathJSON, simplifies
// and evaluates. Loaded on first use (it takes some 200 ms to load and start), synchronously, so that grading stays a
// plain function the search can call; one engine per process. Everything here speaks MathJSON (plain JSON arrays,
// numbers and strings), so the rest of the grader does not depend on the engine's object model.
import { createRequire } from 'node:module';

/** A MathJSON expression: a number, a symbol or 'string', a big number ({num}), or [operator, ...operands]. */
export type MathJson = number | string | { num: string } | { str: string } | { sym: string } | MathJson[];

/** The part of the engine's expression objects the grader uses. */
interface EngineExpression {
  readonly json: MathJson;
  readonly isValid: boolean;
  readonly unknowns: readonly string[];
  readonly re: number;
  readonly im: number;
  N(): EngineExpression;
  evaluate(): EngineExpression;
  subs(values: Record<string, number>): EngineExpression;
  simplify(): EngineExpression;
}

interface Engine {
  parse(latex: string, options?: { canonical?: boolean }): EngineExpression;
  expr(json: MathJson): EngineExpression;
  withTimeLimit<T>(ms: number, fn: () => T): T;
  pushScope(): void;
  popScope(): void;
}

interface EngineModule {
  ComputeEngine: new () => Engine;
}

let engine: Engine | undefined;

function theEngine(): Engine {
  if (engine === undefined) {
    // createRequire: the engine's CommonJS build loads synchronously, and only when a comparison needs it.
    const module = createRequire(import.meta.url)('@cortex-js/compute-engine') as EngineModule;
    engine = new module.ComputeEngine();
  }
  return engine;
}

/** The engine gave up on a computation at its time limit. */
export function isEngineTimeout(err: unknown): boolean {
  return err instanceof Error && err.name === 'CancellationError';
}

/**
 * Runs one grading, `fn`, in a scope of its own and with the engine's time limit armed (an evaluation that runs
 * past it throws: isEngineTimeout). Whatever the engine declares or infers about an answer's symbols while
 * parsing lands in that scope and goes with it, so that no grading depends on the ones before, and memory stays
 * flat in a long-running service.
 */
export function withGradingScope<T>(ms: number, fn: () => T): T {
  const engine = theEngine();
  engine.pushScope();
  try {
    return engine.withTimeLimit(Math.max(1, Math.round(ms)), fn);
  } finally {
    engine.popScope();
  }
}

/**
 * Operators an answer may use. Anything else is refused before the engine evaluates it: an assignment (`x := 5`)
 * or a definition would change the engine's state for every later grading in the process, and calculus or logic
 * is not what a final answer is graded on.
 */
const MATH_OPERATORS = new Set([
  'Add', 'Subtract', 'Multiply', 'Divide', 'Negate', 'Power', 'Sqrt', 'Root', 'Rational', 'Square', 'Exp', 'Ln', 'Log',
  'Lb', 'Lg', 'Sin', 'Cos', 'Tan', 'Sec', 'Csc', 'Cot', 'Arcsin', 'Arccos', 'Arctan', 'Arcsec', 'Arccsc', 'Arccot',
  'Sinh', 'Cosh', 'Tanh', 'Arsinh', 'Arcosh', 'Artanh', 'Abs', 'Floor', 'Ceil', 'Round', 'Factorial', 'Factorial2',
  'Binomial', 'Max', 'Min', 'Mod', 'GCD', 'LCM', 'Sum', 'Product', 'Limits', 'Tuple', 'List', 'Set', 'Interval',
  'Open', 'Union', 'Intersection', 'Matrix', 'Pair', 'Triple', 'Sequence', 'Delimiter', 'Equal', 'NotEqual', 'Less',
  'LessEqual', 'Greater', 'GreaterEqual', 'Approx', 'And', 'Element', 'Complex',
]);

/** Whether every operator in `json` is a math operator or a function of the answer's own (`f(x)`). */
function usesMathOnly(json: MathJson): boolean {
  if (!Array.isArray(json)) return true;
  const [operator, ...operands] = json;
  if (typeof operator !== 'string' || !(MATH_OPERATORS.has(operator) || /^[a-z][A-Za-z0-9_]*$/.test(operator))) return false;
  return operands.every(usesMathOnly);
}

/**
 * The MathJSON of `latex` (canonical: arithmetic on literals done, `x \geq 5` as `5 \leq x`), or undefined when it
 * does not parse or uses anything but math operators.
 */
export function parseLatex(latex: string): MathJson | undefined {
  const parsed = theEngine().parse(latex);
  if (!parsed.isValid) return undefined;
  const json = parsed.json;
  return usesMathOnly(json) ? json : undefined;
}

/**
 * The MathJSON of `latex` as written, before the engine does any arithmetic on it (which for `2^{10^{9}}` would be
 * one BigInt operation no time limit stops), or undefined when it does not parse.
 */
export function parseAsWritten(latex: string): MathJson | undefined {
  const parsed = theEngine().parse(latex, { canonical: false });
  return parsed.isValid ? parsed.json : undefined;
}

/** The exact value of an expression without variables as the engine works it out (`2^{10}` → 1024), as MathJSON. */
export function evaluateExactly(json: MathJson): MathJson {
  return theEngine().expr(json).evaluate().json;
}

/** The free variables of an expression (constants such as Pi and ExponentialE are not). */
export function unknownsOf(json: MathJson): string[] {
  return [...theEngine().expr(json).unknowns];
}

/** A complex value; NaN parts when the expression has no numeric value. */
export interface NumericValue {
  re: number;
  im: number;
}

/** The numeric value of `json` with `values` substituted for its variables, at machine precision. */
export function evaluate(json: MathJson, values: Record<string, number> = {}): NumericValue {
  const boxed = theEngine().expr(json);
  const value = (Object.keys(values).length === 0 ? boxed : boxed.subs(values)).N();
  return { re: value.re, im: value.im };
}

/** Whether the engine simplifies `a - b` to exactly 0. */
export function simplifiesToZero(a: MathJson, b: MathJson): boolean {
  return theEngine().expr(['Subtract', a, b]).simplify().json === 0;
}
