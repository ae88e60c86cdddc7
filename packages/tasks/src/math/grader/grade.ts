// Grading a final answer against a reference (or two answers against each other, for a vote): the same canonical
// form is enough; otherwise both are read (a choice letter, an exact number, or LaTeX parsed by the symbolic
// engine) and compared as mathematical objects (compare.ts). Bounded: every comparison has a time limit and a
// timeout answers "not equivalent"; overlong answers are compared by their canonical form only. Never throws.
import { answerUnit, normalizeAnswer } from '../normalize.js';
import { answersJsonEqual, GradingTimeout, numbersEqual, type Budget } from './compare.js';
import { isEngineTimeout, parseAsWritten, parseLatex, withGradingScope, type MathJson } from './engine.js';
import { writesHugeLiteral } from './literal-size.js';
import { exactJson, exactNumber, operandsOf, operatorOf } from './mathjson.js';
import { readAnswer, type Reading } from './prepare.js';

/** Per comparison, by default: real answers take a few milliseconds. */
export const DEFAULT_GRADING_TIMEOUT_MS = 250;
/** Answers longer than this are compared by their canonical form only. */
const MAX_GRADED_LENGTH = 1_000;

export type GradeReason =
  /** Both normalise to the same canonical form ("0.5" and "\frac{1}{2}"). */
  | 'same-form'
  /** Read and found to be the same mathematical object. */
  | 'equivalent'
  | 'different'
  /** An answer is empty. */
  | 'empty'
  /** An answer could not be read as mathematics (and its canonical form differs). */
  | 'unreadable'
  | 'timeout';

export interface Grade {
  equivalent: boolean;
  reason: GradeReason;
}

export interface GradeOptions {
  timeoutMs?: number;
}

const CACHE_SIZE = 4_096;
/** Recent verdicts: a search grades the same few answers many times. */
const cache = new Map<string, Grade>();

function remember(key: string, grade: Grade): Grade {
  // A timeout depends on the machine's load at the time: it is not kept.
  if (grade.reason === 'timeout') return grade;
  cache.set(key, { ...grade });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return grade;
}

/**
 * Whether `answer` is the same mathematical answer as `reference`. Symmetric but for one rule: "1,234" reads as
 * the number 1234 only when the other side is a single number, since it could as well be the pair (1, 234).
 */
export function gradeAnswer(answer: string, reference: string, options: GradeOptions = {}): Grade {
  if (answer.trim() === '' || reference.trim() === '') return { equivalent: false, reason: 'empty' };
  // Numbers in different units are different answers: 5 cm is not 5 m (units are not converted).
  const units = [answerUnit(answer), answerUnit(reference)];
  if (units[0] !== '' && units[1] !== '' && units[0] !== units[1]) return { equivalent: false, reason: 'different' };
  if (normalizeAnswer(answer) === normalizeAnswer(reference) && sameNames(answer, reference)) return { equivalent: true, reason: 'same-form' };
  if (answer.length > MAX_GRADED_LENGTH || reference.length > MAX_GRADED_LENGTH) return { equivalent: false, reason: 'unreadable' };
  const key = `${answer}\u0000${reference}`;
  const known = cache.get(key);
  if (known) return { ...known };
  const timeoutMs = options.timeoutMs ?? DEFAULT_GRADING_TIMEOUT_MS;
  try {
    const verdict = withGradingScope(timeoutMs, () => compareReadings(readAnswer(answer), readAnswer(reference), { deadline: Date.now() + timeoutMs }));
    return remember(key, verdict === undefined ? { equivalent: false, reason: 'unreadable' } : { equivalent: verdict, reason: verdict ? 'equivalent' : 'different' });
  } catch (err) {
    if (err instanceof GradingTimeout || isEngineTimeout(err)) return { equivalent: false, reason: 'timeout' };
    // The engine failing on some input is that input's problem: it is not an answer the grader can accept.
    return remember(key, { equivalent: false, reason: 'unreadable' });
  }
}

// Names the canonical form cannot tell apart: it lowercases and drops a leading "v =", which must not make X and x,
// 2XY and 2xy, \Delta and \delta, or x = 2 and y = 2 one answer. Runs of one or two letters are variables and
// keep their case; longer runs are words ("Monday", "apples"), compared in any case.
const LETTERS_RE = /[A-Za-z]+/g;
const COMMAND_RE = /\\[A-Za-z]+/g;
const TEXT_WRAPPER_RE = /\\(?:text|textrm|textbf|textit|mbox|mathrm|operatorname)\s*\{([^{}]*)\}/g;
const LEADING_NAME_RE = /^[\s$(\\[]*([A-Za-z])\s*=/;

function namesOf(answer: string): string {
  const commands = answer.match(COMMAND_RE) ?? [];
  const letters = answer.replace(TEXT_WRAPPER_RE, ' $1 ').replace(COMMAND_RE, ' ').match(LETTERS_RE) ?? [];
  return [...letters.map((run) => (run.length <= 2 ? run : run.toLowerCase())), '|', ...commands.filter((c) => !TEXT_COMMANDS.has(c))].join(' ');
}

const TEXT_COMMANDS = new Set(['\\text', '\\textrm', '\\textbf', '\\textit', '\\mbox', '\\mathrm', '\\operatorname', '\\left', '\\right', '\\dfrac', '\\tfrac', '\\frac', '\\displaystyle']);

/** Whether two answers with the same canonical form also name the same variables and commands, case and all. */
function sameNames(a: string, b: string): boolean {
  const leading = (s: string) => LEADING_NAME_RE.exec(s)?.[1];
  const [la, lb] = [leading(a), leading(b)];
  if (la !== undefined && lb !== undefined && la !== lb) return false;
  // A canonical form that is a number has no names left to compare: "x = 5" and "5", "18 dollars" and "18".
  return /^-?\d+(?:\/\d+)?$/.test(normalizeAnswer(a)) || namesOf(a) === namesOf(b);
}

/** Whether two answers are the same mathematical answer (gradeAnswer, default time limit). */
export function answersEquivalent(a: string, b: string): boolean {
  return gradeAnswer(a, b).equivalent;
}

/** Whether `latex` writes a literal too large to work out (see literal-size.ts), judged before the engine computes it. */
function writesHuge(latex: string): boolean {
  const written = parseAsWritten(latex);
  return written !== undefined && writesHugeLiteral(written);
}

function asSet(json: MathJson): MathJson {
  return operatorOf(json) === 'Tuple' ? ['Set', ...operandsOf(json)] : json;
}

/** The verdict on two readings; undefined when either cannot be read at all. */
function compareReadings(a: Reading, b: Reading, budget: Budget): boolean | undefined {
  if (a.kind === 'choice' || b.kind === 'choice') return a.kind === 'choice' && b.kind === 'choice' && a.letter === b.letter;
  if (a.kind === 'text' || b.kind === 'text') return undefined;
  if (a.kind === 'number' && b.kind === 'number') return numbersEqual(a, b);
  if ((a.kind === 'latex' && writesHuge(a.latex)) || (b.kind === 'latex' && writesHuge(b.latex))) return undefined;
  const ja = a.kind === 'latex' ? parseLatex(a.latex) : undefined;
  const jb = b.kind === 'latex' ? parseLatex(b.latex) : undefined;
  // "1,234" against anything but one number is not read as a number: it may be a pair.
  const isNumber = (json: MathJson | undefined) => json !== undefined && exactNumber(json) !== undefined;
  if ((a.kind === 'number' && a.ambiguous && !isNumber(jb)) || (b.kind === 'number' && b.ambiguous && !isNumber(ja))) return false;
  let left = a.kind === 'number' ? exactJson(a.value, a.decimal, a.places) : ja;
  let right = b.kind === 'number' ? exactJson(b.value, b.decimal, b.places) : jb;
  if (left === undefined || right === undefined) return undefined;
  // "2, 3" against "3, 2" or "\{3, 2\}": solutions listed without brackets are a set. A bracketed tuple stays ordered.
  const bareA = a.kind === 'latex' && a.bareList;
  const bareB = b.kind === 'latex' && b.bareList;
  if ((bareA && (bareB || operatorOf(right) === 'Set')) || (bareB && operatorOf(left) === 'Set')) {
    left = asSet(left);
    right = asSet(right);
  }
  return answersJsonEqual(left, right, budget);
}
