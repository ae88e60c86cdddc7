// Majority vote over math answers, grouped by equivalence rather than by spelling: "\frac{x+2}{7}" and
// "\frac{x}{7}+\frac{2}{7}" are one answer with two votes. Each new spelling is graded against one answer of each
// group so far; bounded per search, so that many distinct or pathological answers cannot hold the search up
// (past the bound, each new spelling is a group of its own).
import { normalizeAnswer } from '../normalize.js';
import { gradeAnswer } from './grade.js';

export interface GroupingLimits {
  /** Gradings one search may spend on grouping. */
  maxComparisons: number;
  /** Time one search may spend on grouping, ms. */
  maxMs: number;
}

export const DEFAULT_GROUPING_LIMITS: GroupingLimits = { maxComparisons: 2_000, maxMs: 2_000 };

/**
 * A key function for the answers of one search: equal keys mean equivalent answers. A group's key is the
 * canonical form of the first answer that started it; an empty answer's key is 'invalid'.
 */
export function equivalenceKeys(limits: GroupingLimits = DEFAULT_GROUPING_LIMITS): (answer: string) => string {
  const groups: Array<{ key: string; answer: string }> = [];
  /**
   * Spelling → its group's key: a spelling already seen is not graded again. Keyed by the answer as written, not
   * by canonical form, which "x = 2" and "y = 2" (or "5 cm" and "5 m") share although the grader keeps them apart.
   */
  const keyOf = new Map<string, string>();
  const taken = new Set<string>();
  let comparisons = 0;
  let spentMs = 0;
  return (answer) => {
    const spelling = answer.trim();
    const known = keyOf.get(spelling);
    if (known !== undefined) return known;
    const canonical = normalizeAnswer(answer);
    if (canonical === '') return 'invalid';
    const started = performance.now();
    let key: string | undefined;
    for (const group of groups) {
      if (comparisons >= limits.maxComparisons || spentMs + (performance.now() - started) >= limits.maxMs) break;
      comparisons++;
      if (gradeAnswer(answer, group.answer).equivalent) {
        key = group.key;
        break;
      }
    }
    spentMs += performance.now() - started;
    if (key === undefined) {
      // A new group: its canonical form, unless another group has it already (x = 2 and y = 2 are both "2").
      key = taken.has(canonical) ? `${canonical}#${groups.length}` : canonical;
      taken.add(key);
      groups.push({ key, answer });
    }
    keyOf.set(spelling, key);
    return key;
  };
}
