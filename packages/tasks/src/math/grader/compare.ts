// Whether two answers in MathJSON are the same mathematical object. Numbers compare exactly, except a decimal
// against a value no finite decimal equals (1/12, sqrt 2, pi), which it must match to one unit in its last digit
// and a relative 1e-6; tuples and intervals in order (with their open and closed ends), sets and unions in any
// order, matrices entry by entry, relations with > turned into < (and equations up to a constant factor), a
// condition on one variable against a set as the interval it allows, expressions by simplifying their difference
// to 0 or, failing that, by agreeing at random points. Every loop checks the budget's deadline.
import Fraction from 'fraction.js';
import { evaluate, evaluateExactly, simplifiesToZero, unknownsOf, type MathJson, type NumericValue } from './engine.js';
import {
  exactNumber,
  isCollection,
  isFiniteDecimal,
  isRelation,
  operandsOf,
  operatorOf,
  orientedRelation,
  stringOf,
  symbolOf,
  type ExactNumber,
} from './mathjson.js';

/** A decimal matches a value it cannot equal exactly (1/3, sqrt 2) when they agree to this relative precision. */
export const DECIMAL_RELATIVE_PRECISION = 1e-6;
/** Two exact forms evaluated in floating point (2 sqrt 2 and sqrt 8) agree to this; different ones never do. */
const EXACT_RELATIVE_PRECISION = 1e-12;
/** Two expressions agree at a point when their values differ by at most this, relative to their size (at least 1). */
const POINT_PRECISION = 1e-11;
/** Floating point is exact on integers up to here; beyond it, values that differ can round to the same float. */
const EXACT_FLOAT_LIMIT = 2 ** 53;
/** Expressions with variables and a power above this are not compared by value: floats overflow or underflow. */
const MAX_SYMBOLIC_EXPONENT = 64;
/** Values below this at a point are no evidence that two expressions agree. */
const TINY = 1e-12;
/** Random points tried, and how many must give both sides a finite value for a verdict. */
const POINTS_TRIED = 12;
const POINTS_NEEDED = 5;
/** Sets, unions and tuples longer than this are not matched element by element. */
const MAX_ITEMS = 64;

export class GradingTimeout extends Error {
  constructor() {
    super('grading ran out of time');
    this.name = 'GradingTimeout';
  }
}

export interface Budget {
  /** Date.now() after which the comparison gives up (GradingTimeout). */
  deadline: number;
}

function check(budget: Budget): void {
  if (Date.now() > budget.deadline) throw new GradingTimeout();
}

export function numbersEqual(a: ExactNumber, b: ExactNumber): boolean {
  if (a.value.equals(b.value)) return true;
  // A written decimal stands for a value it can only approximate: 0.0833333 for 1/12. Against a value a finite
  // decimal could equal exactly (2, 0.25), it must be exact: 2.0000001 is not 2.
  const [decimal, other] = a.decimal && !b.decimal ? [a, b] : b.decimal && !a.decimal ? [b, a] : [undefined, undefined];
  if (decimal === undefined || other === undefined || isFiniteDecimal(other.value)) return false;
  // Exactly: |decimal - value| <= 10^-places, and <= 1e-6 |value|.
  const difference = decimal.value.sub(other.value).abs();
  const size = other.value.abs();
  return difference.compare(new Fraction(1n, 10n ** BigInt(decimal.places))) <= 0 && difference.compare(size.mul(new Fraction(1n, 1_000_000n))) <= 0;
}

/**
 * Whether a written decimal approximates `value`, an irrational (in floating point): to the last digit it shows
 * (within one unit of it, rounded or cut: 0.666666 and 0.666667 for 2/3, not 3333334.0 for 10^7/3) and to a
 * relative 1e-6.
 */
function decimalMatches(decimal: ExactNumber, value: number): boolean {
  const written = decimal.value.valueOf();
  if (!Number.isFinite(value) || !Number.isFinite(written)) return false;
  const rounding = 4 * Number.EPSILON * Math.max(Math.abs(written), Math.abs(value));
  return Math.abs(written - value) <= 10 ** -decimal.places + rounding && close(written, value, DECIMAL_RELATIVE_PRECISION);
}

function close(a: number, b: number, relative: number): boolean {
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b));
}

function valuesClose(a: NumericValue, b: NumericValue, relative: number): boolean {
  return close(a.re, b.re, relative) && (close(a.im, b.im, relative) || Math.abs(a.im - b.im) <= relative * Math.max(Math.abs(a.re), Math.abs(b.re)));
}

function finite(v: NumericValue): boolean {
  return Number.isFinite(v.re) && Number.isFinite(v.im);
}

/** A seeded generator, so that the same answers always get the same points and the same verdict. */
function randomPoints(variables: readonly string[]): Array<Record<string, number>> {
  let state = 0x2545f491;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  // Away from 0 and from integers, where different expressions coincide most; both signs, so that |x| and x differ;
  // half of them small and half up to 30, so that max(x, 3) and 3, or floor(x/10) and floor(x/20), differ too.
  return Array.from({ length: POINTS_TRIED }, (_, i) =>
    Object.fromEntries(variables.map((name) => [name, (i % 2 === 0 ? 0.3 + 2.4 * next() : 3.1 + 27 * next()) * (next() < 0.5 ? -1 : 1)])),
  );
}

/** Whether `a` and `b` take the same value at random points of their variables. */
function agreeAtPoints(a: MathJson, b: MathJson, variables: readonly string[], budget: Budget): boolean {
  let valid = 0;
  for (const point of randomPoints(variables)) {
    check(budget);
    const va = evaluate(a, point);
    const vb = evaluate(b, point);
    // Defined on one side only: different functions. Undefined on both: no information at this point.
    if (finite(va) !== finite(vb)) return false;
    if (!finite(va)) continue;
    const size = Math.max(Math.hypot(va.re, va.im), Math.hypot(vb.re, vb.im));
    if (Math.hypot(va.re - vb.re, va.im - vb.im) > POINT_PRECISION * Math.max(1, size)) return false;
    // Both (nearly) 0 says little: e^{-1000x^2} and 0 agree at every point floats can tell.
    if (size > TINY) valid++;
  }
  return valid >= POINTS_NEEDED;
}

/** Whether f = c * g for one real constant c (c > 0 when `positive`), at random points: the same equation or inequality. */
function proportional(f: MathJson, g: MathJson, positive: boolean, budget: Budget): boolean {
  const variables = [...new Set([...unknownsOf(f), ...unknownsOf(g)])];
  if (variables.length === 0) return false;
  let ratio: number | undefined;
  let valid = 0;
  for (const point of randomPoints(variables)) {
    check(budget);
    const vf = evaluate(f, point);
    const vg = evaluate(g, point);
    if (!finite(vf) || !finite(vg) || Math.abs(vf.im) > 1e-12 || Math.abs(vg.im) > 1e-12 || Math.abs(vg.re) < 1e-9) continue;
    const r = vf.re / vg.re;
    if (ratio === undefined) ratio = r;
    else if (!close(r, ratio, POINT_PRECISION * 10)) return false;
    valid++;
  }
  return ratio !== undefined && ratio !== 0 && (!positive || ratio > 0) && valid >= POINTS_NEEDED;
}

function scalarsEqual(a: MathJson, b: MathJson, budget: Budget): boolean {
  const sa = stringOf(a);
  const sb = stringOf(b);
  if (sa !== undefined || sb !== undefined) return sa !== undefined && sb !== undefined && sa.trim().toLowerCase() === sb.trim().toLowerCase();
  const ea = exactNumber(a);
  const eb = exactNumber(b);
  if (ea && eb) return numbersEqual(ea, eb);
  check(budget);
  const variables = [...new Set([...unknownsOf(a), ...unknownsOf(b)])];
  if (variables.length === 0) return constantsEqual(a, b, ea, eb);
  // x^1000000 and x^1000001 agree wherever floats overflow or underflow: such powers are not compared by value.
  if (hasLargePower(a) || hasLargePower(b)) return false;
  if (simplifiesToZero(a, b)) return true;
  return agreeAtPoints(a, b, variables, budget);
}

/** Two expressions without variables: exactly when the engine works both out to rationals, else in floating point. */
function constantsEqual(a: MathJson, b: MathJson, ea: ExactNumber | undefined, eb: ExactNumber | undefined): boolean {
  const xa = ea ?? exactNumber(evaluateExactly(a));
  const xb = eb ?? exactNumber(evaluateExactly(b));
  if (xa && xb) return numbersEqual(xa, xb);
  const va = evaluate(a);
  const vb = evaluate(b);
  // Infinite, undefined, or too large for floats to tell apart (2^2024 and 2^2023, 10^20 and 10^20 + 1): no verdict.
  if (!finite(va) || !finite(vb)) return false;
  if (Math.max(Math.abs(va.re), Math.abs(vb.re), Math.abs(va.im), Math.abs(vb.im)) > EXACT_FLOAT_LIMIT) return false;
  // A decimal literal on one side approximates the other (an irrational: an exact rational was handled above).
  const decimal = xa?.decimal ? xa : xb?.decimal ? xb : undefined;
  if (decimal) return va.im === 0 && vb.im === 0 && decimalMatches(decimal, decimal === xa ? vb.re : va.re);
  // Two exact forms (2 sqrt 2 and sqrt 8) must agree to rounding error. A float 0 without an exact value may be an
  // underflow (e^{-1000}): no verdict.
  if ((va.re === 0 && va.im === 0) || (vb.re === 0 && vb.im === 0)) return false;
  return valuesClose(va, vb, EXACT_RELATIVE_PRECISION);
}

/** Whether `json` raises something with variables, or anything, to a literal power above MAX_SYMBOLIC_EXPONENT. */
function hasLargePower(json: MathJson): boolean {
  if (!Array.isArray(json)) return false;
  if (operatorOf(json) === 'Power') {
    const exponent = exactNumber(operandsOf(json)[1] ?? 0);
    if (exponent !== undefined && Math.abs(exponent.value.valueOf()) > MAX_SYMBOLIC_EXPONENT) return true;
  }
  return operandsOf(json).some(hasLargePower);
}

function relationsEqual(a: MathJson, b: MathJson, budget: Budget): boolean {
  const ra = orientedRelation(a);
  const rb = orientedRelation(b);
  const operator = ra.operator === 'Approx' ? 'Equal' : ra.operator;
  if (operator !== (rb.operator === 'Approx' ? 'Equal' : rb.operator)) return false;
  // Two equations giving the same name a value: the last sides decide (`x = 5 + 5 + 1 = 11` and `x = 11`).
  const first = ra.sides[0];
  if (operator === 'Equal' && first !== undefined && namesSomething(first) && JSON.stringify(first) === JSON.stringify(rb.sides[0])) {
    return answersJsonEqual(ra.sides.at(-1)!, rb.sides.at(-1)!, budget, false);
  }
  if (ra.sides.length !== rb.sides.length) return false;
  if (inOrder(ra.sides, rb.sides, budget)) return true;
  if (ra.sides.length !== 2) return false;
  const symmetric = operator === 'Equal' || operator === 'NotEqual';
  if (symmetric && inOrder(ra.sides, [...rb.sides].reverse(), budget)) return true;
  // 2x + 4y - 3 = 0 and y = -x/2 + 3/4: one side minus the other, up to a constant factor (a positive one for < and <=).
  const difference = (sides: MathJson[]): MathJson => ['Subtract', sides[1]!, sides[0]!];
  return proportional(difference(ra.sides), difference(rb.sides), !symmetric, budget);
}

/** Items of a collection or sides of a relation, pairwise: an item `x = 3` stays an equation (it is not 3). */
function inOrder(a: readonly MathJson[], b: readonly MathJson[], budget: Budget): boolean {
  return a.length === b.length && a.every((item, i) => answersJsonEqual(item, b[i]!, budget, false));
}

/** Every item of `a` matched to its own item of `b`, in any order. */
function unordered(a: readonly MathJson[], b: readonly MathJson[], budget: Budget): boolean {
  if (a.length !== b.length || a.length > MAX_ITEMS) return false;
  const used = new Array<boolean>(b.length).fill(false);
  // Items are rarely equal to more than one other, so a greedy match with one choice per item is exact in practice;
  // a wrong greedy choice can only make it answer "not equivalent".
  for (const item of a) {
    const at = b.findIndex((other, j) => !used[j] && answersJsonEqual(item, other, budget, false));
    if (at < 0) return false;
    used[at] = true;
  }
  return true;
}

type Shape =
  | { kind: 'tuple' | 'list' | 'set' | 'union' | 'matrix'; items: MathJson[] }
  | { kind: 'interval'; items: MathJson[]; open: [boolean, boolean] };

function shapeOf(json: MathJson): Shape | undefined {
  const operator = operatorOf(json);
  const items = operandsOf(json);
  switch (operator) {
    case 'Tuple':
    case 'Pair':
    case 'Triple':
    case 'Sequence':
      return { kind: 'tuple', items };
    case 'List':
      return { kind: 'list', items };
    case 'Set':
      return { kind: 'set', items };
    case 'Union':
      return { kind: 'union', items };
    case 'Matrix':
      return { kind: 'matrix', items: operandsOf(items[0] ?? ['List']) };
    case 'Interval': {
      if (items.length !== 2) return undefined;
      const ends = items.map((end) => (operatorOf(end) === 'Open' ? { open: true, value: operandsOf(end)[0]! } : { open: false, value: end }));
      return { kind: 'interval', items: ends.map((e) => e.value), open: [ends[0]!.open, ends[1]!.open] };
    }
    default:
      return undefined;
  }
}

/** A pair in parentheses may be an open interval, one in brackets a closed one: (1, 2) is (1, 2) either way. */
function asInterval(shape: Shape): Shape | undefined {
  if (shape.kind === 'interval') return shape;
  if (shape.items.length !== 2) return undefined;
  if (shape.kind === 'tuple') return { kind: 'interval', items: shape.items, open: [true, true] };
  if (shape.kind === 'list') return { kind: 'interval', items: shape.items, open: [false, false] };
  return undefined;
}

function collectionsEqual(a: MathJson, b: MathJson, budget: Budget): boolean {
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (!sa || !sb) return false;
  if (sa.kind === 'interval' || sb.kind === 'interval') {
    const ia = asInterval(sa);
    const ib = asInterval(sb);
    if (!ia || !ib || ia.kind !== 'interval' || ib.kind !== 'interval') return false;
    return ia.open[0] === ib.open[0] && ia.open[1] === ib.open[1] && inOrder(ia.items, ib.items, budget);
  }
  if (sa.kind !== sb.kind || sa.items.length > MAX_ITEMS) return false;
  if (sa.kind === 'set' || sa.kind === 'union') return unordered(sa.items, sb.items, budget);
  return inOrder(sa.items, sb.items, budget);
}

/**
 * An equation chain or approximation standing for its value, when it names what it gives: `x = 5 + 5 + 1 = 11`
 * is 11, `f(x) = x^2` is x^2, `x \approx 3.14` is 3.14. Not `7 = 11a + c`, which is an equation, not 11a + c.
 */
function valueOfEquation(json: MathJson): MathJson | undefined {
  const operator = operatorOf(json);
  const sides = operandsOf(json);
  if ((operator !== 'Equal' && operator !== 'Approx') || sides.length < 2) return undefined;
  return namesSomething(sides[0]!) ? sides.at(-1) : undefined;
}

/**
 * A variable (`x`, `x_1`), a function of variables (`f(x)`) or a tuple of them (`(p, q)`): what an answer of the
 * form "... = value" names.
 */
function namesSomething(json: MathJson): boolean {
  if (symbolOf(json) !== undefined) return typeof json !== 'string' || !CONSTANTS.has(json);
  const operator = operatorOf(json);
  if (operator === 'Tuple') return operandsOf(json).length > 0 && operandsOf(json).every((item) => symbolOf(item) !== undefined && namesSomething(item));
  return operator !== undefined && /^[a-z]\w*$/.test(operator);
}

const CONSTANTS = new Set(['Pi', 'ExponentialE', 'ImaginaryUnit', 'PositiveInfinity', 'NegativeInfinity', 'ComplexInfinity', 'Nothing', 'EmptySet']);

interface Bound {
  value: MathJson;
  open: boolean;
}

/** The bounds a condition puts on one variable: `-2 <= x <= 7`, `x > 5`, `-2 < x and x <= 7`. */
function boundsOf(json: MathJson): { variable: string; lower?: Bound; upper?: Bound } | undefined {
  const operator = operatorOf(json);
  if (operator === 'And') {
    const parts = operandsOf(json).map(boundsOf);
    if (parts.length !== 2 || parts.some((p) => p === undefined)) return undefined;
    const [first, second] = parts as [NonNullable<ReturnType<typeof boundsOf>>, NonNullable<ReturnType<typeof boundsOf>>];
    if (first.variable !== second.variable) return undefined;
    if ((first.lower && second.lower) || (first.upper && second.upper)) return undefined;
    return { variable: first.variable, ...(first.lower ?? second.lower ? { lower: (first.lower ?? second.lower)! } : {}), ...(first.upper ?? second.upper ? { upper: (first.upper ?? second.upper)! } : {}) };
  }
  if (!isRelation(json)) return undefined;
  const { operator: oriented, sides } = orientedRelation(json);
  if (oriented !== 'Less' && oriented !== 'LessEqual') return undefined;
  const open = oriented === 'Less';
  const isVariable = (side: MathJson) => namesSomething(side) && unknownsOf(side).length > 0;
  const isConstant = (side: MathJson) => unknownsOf(side).length === 0;
  if (sides.length === 3 && isConstant(sides[0]!) && isVariable(sides[1]!) && isConstant(sides[2]!)) {
    return { variable: JSON.stringify(sides[1]), lower: { value: sides[0]!, open }, upper: { value: sides[2]!, open } };
  }
  if (sides.length !== 2) return undefined;
  if (isVariable(sides[0]!) && isConstant(sides[1]!)) return { variable: JSON.stringify(sides[0]), upper: { value: sides[1]!, open } };
  if (isConstant(sides[0]!) && isVariable(sides[1]!)) return { variable: JSON.stringify(sides[1]), lower: { value: sides[0]!, open } };
  return undefined;
}

/** The variable a condition or membership is about (as JSON text), when it is about one. */
function conditionVariable(json: MathJson): string | undefined {
  if (operatorOf(json) === 'Element') {
    const member = operandsOf(json)[0];
    return member === undefined ? undefined : JSON.stringify(member);
  }
  return boundsOf(json)?.variable;
}

/** The set of values a condition or membership allows, as an interval: `-2 < x <= 7` is (-2, 7]; `x \in S` is S. */
function solutionSet(json: MathJson): MathJson | undefined {
  if (operatorOf(json) === 'Element') {
    const [member, set] = operandsOf(json);
    return member !== undefined && set !== undefined && namesSomething(member) ? set : undefined;
  }
  const bounds = boundsOf(json);
  if (!bounds) return undefined;
  // "x < 1 and x > 2" allows nothing: not the interval (2, 1).
  if (bounds.lower && bounds.upper && !(evaluate(bounds.lower.value).re < evaluate(bounds.upper.value).re)) return undefined;
  const end = (bound: Bound | undefined, infinity: string): MathJson => (bound === undefined ? ['Open', infinity] : bound.open ? ['Open', bound.value] : bound.value);
  return ['Interval', end(bounds.lower, 'NegativeInfinity'), end(bounds.upper, 'PositiveInfinity')];
}

function isCondition(json: MathJson): boolean {
  return isRelation(json) || operatorOf(json) === 'And' || operatorOf(json) === 'Element';
}

/**
 * Whether two answers in MathJSON are the same mathematical object (see the file's header). `whole`: they are
 * whole answers, where `x = 3` may stand for 3; inside a tuple or set it may not ("y = 2, x = 3" is not (2, 3)).
 */
export function answersJsonEqual(a: MathJson, b: MathJson, budget: Budget, whole = true): boolean {
  check(budget);
  // The same expression, symbol for symbol (infinity, a constant, a whole interval); not two undefined values.
  const text = JSON.stringify(a);
  if (text === JSON.stringify(b) && !/ComplexInfinity|NaN|Undefined/.test(text)) return true;
  const conditionA = isCondition(a);
  const conditionB = isCondition(b);
  // An equation that names what it gives, against an answer that is no condition, stands for its value.
  if (whole && conditionA !== conditionB) {
    const value = conditionA ? valueOfEquation(a) : valueOfEquation(b);
    if (value !== undefined) return answersJsonEqual(conditionA ? value : a, conditionA ? b : value, budget);
  }
  // A condition against a set, or a membership against anything: compare the sets of values they allow.
  if ((conditionA && (isCollection(b) || operatorOf(a) === 'Element' || operatorOf(a) === 'And')) || (conditionB && (isCollection(a) || operatorOf(b) === 'Element' || operatorOf(b) === 'And'))) {
    // Two conditions must be about the same variable: y > 5 is not x \in (5, \infty).
    if (conditionA && conditionB && conditionVariable(a) !== conditionVariable(b)) return false;
    const setA = conditionA ? solutionSet(a) : a;
    const setB = conditionB ? solutionSet(b) : b;
    return setA !== undefined && setB !== undefined && isCollection(setA) && isCollection(setB) && collectionsEqual(setA, setB, budget);
  }
  if (conditionA && conditionB) return relationsEqual(a, b, budget);
  if (conditionA || conditionB) return false;
  if (isCollection(a) || isCollection(b)) return collectionsEqual(a, b, budget);
  return scalarsEqual(a, b, budget);
}
