// B6's reading of solve-rate curves: where a curve first reaches a solve rate, in generated tokens, and the
// ratio bench/README.md asks for (best-of-N's tokens for its best solve rate / an algorithm's for the same).

/** One budget of one curve: mean generated tokens per puzzle and the fraction of puzzles solved. */
export interface CurvePoint {
  budget: number;
  tokens: number;
  solveRate: number;
}

/** Where a curve first reaches a solve rate. */
export interface Crossing {
  /** The smallest budget whose solve rate reaches the target, and its mean tokens. */
  budget: number;
  tokensAtBudget: number;
  /**
   * Tokens where the curve crosses the target, interpolated linearly in log(tokens) between that budget and
   * the one before it: budgets double, so without this a curve that just reaches the target at a budget
   * counts as needing all of it. Equal to tokensAtBudget when the first budget already reaches the target.
   */
  tokensInterpolated: number;
}

/**
 * Solve rates are fractions of the same puzzles, so two counts that differ by less than this are equal
 * (it absorbs float noise, not a real difference of one puzzle in 10 000).
 */
const RATE_EPSILON = 1e-9;

/** The first budget (in budget order) at which `points` reach `target`; null when none does. */
export function firstCrossing(points: readonly CurvePoint[], target: number): Crossing | null {
  const sorted = [...points].sort((a, b) => a.budget - b.budget);
  const index = sorted.findIndex((p) => p.solveRate >= target - RATE_EPSILON);
  if (index < 0) return null;
  const hit = sorted[index]!;
  const before = index > 0 ? sorted[index - 1] : undefined;
  let tokensInterpolated = hit.tokens;
  // Only between two points with tokens to take a log of and a rise to interpolate along.
  if (before && before.tokens > 0 && hit.tokens > before.tokens && hit.solveRate > before.solveRate) {
    const share = Math.max(0, (target - before.solveRate) / (hit.solveRate - before.solveRate));
    // A target reached only at the point itself keeps that point's tokens exactly, free of exp/log noise.
    if (share < 1) {
      tokensInterpolated = Math.exp(Math.log(before.tokens) + share * (Math.log(hit.tokens) - Math.log(before.tokens)));
    }
  }
  return { budget: hit.budget, tokensAtBudget: hit.tokens, tokensInterpolated };
}

export function bestSolveRate(points: readonly CurvePoint[]): number {
  return points.reduce((best, p) => Math.max(best, p.solveRate), 0);
}

/** Tokens the baseline needs for its best solve rate, and what a curve needs for the same rate. */
export interface TokenRatio {
  baselineBestSolveRate: number;
  baseline: Crossing | null;
  algorithm: Crossing | null;
  /** baseline tokens / algorithm tokens, both interpolated; null when either never reaches the rate. */
  ratioInterpolated: number | null;
  /** The same with each side at the smallest budget that reaches the rate. */
  ratioAtBudget: number | null;
}

export function tokenRatio(baseline: readonly CurvePoint[], curve: readonly CurvePoint[]): TokenRatio {
  const best = bestSolveRate(baseline);
  // A baseline that solves nothing sets no bar: every curve "reaches" 0 at its first budget.
  const base = best > 0 ? firstCrossing(baseline, best) : null;
  const own = best > 0 ? firstCrossing(curve, best) : null;
  const ratio = (b: number | undefined, a: number | undefined) => (b !== undefined && a !== undefined && a > 0 ? b / a : null);
  return {
    baselineBestSolveRate: best,
    baseline: base,
    algorithm: own,
    ratioInterpolated: ratio(base?.tokensInterpolated, own?.tokensInterpolated),
    ratioAtBudget: ratio(base?.tokensAtBudget, own?.tokensAtBudget),
  };
}

/**
 * The largest budget whose mean generated tokens stay within `limit` (bench/README.md, B6: "all hard puzzles
 * solved at <= 550 generated tokens each"); null when even the smallest budget spends more.
 */
export function largestBudgetWithin(points: readonly CurvePoint[], limit: number): CurvePoint | null {
  return [...points]
    .sort((a, b) => a.budget - b.budget)
    .reduce<CurvePoint | null>((found, p) => (p.tokens <= limit ? p : found), null);
}
