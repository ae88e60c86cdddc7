// Node colours: a score (value, reward or outcome) on a perceptually even, colour-blind safe ramp (viridis),
// grey for a node without that score.

/** Viridis, 9 stops from low to high. */
const STOPS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [72, 40, 120],
  [62, 74, 137],
  [49, 104, 142],
  [38, 130, 142],
  [31, 158, 137],
  [53, 183, 121],
  [110, 206, 88],
  [253, 231, 37],
];

export const NO_SCORE_COLOR = '#a4abb3';
export const CHOSEN_COLOR = '#e8590c';
export const SELECTED_COLOR = '#1c7ed6';

/** Colours per bin: nodes are drawn one fill per bin, so 10 k nodes take BINS fills, not 10 k. */
export const BINS = 32;

function rgb(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

export const BIN_COLORS: readonly string[] = Array.from({ length: BINS }, (_, i) => rgb(i / (BINS - 1)));

export function colorAt(t: number): string {
  return rgb(t);
}

export type Metric = 'value' | 'reward' | 'outcome';
export const METRICS: readonly Metric[] = ['value', 'reward', 'outcome'];

export interface Domain {
  min: number;
  max: number;
}

/**
 * The scale's domain for the scores seen: [0, 1] or [-1, 1] when they fit (so colours mean the same from
 * search to search), else their own range.
 */
export function domainOf(scores: Iterable<number>): Domain {
  let min = Infinity;
  let max = -Infinity;
  for (const s of scores) {
    if (s < min) min = s;
    if (s > max) max = s;
  }
  if (min === Infinity) return { min: 0, max: 1 };
  if (min >= 0 && max <= 1) return { min: 0, max: 1 };
  if (min >= -1 && max <= 1) return { min: -1, max: 1 };
  return max > min ? { min, max } : { min: min - 1, max: max + 1 };
}

/** The bin of a score, or -1 for none. */
export function binOf(score: number | null, domain: Domain): number {
  if (score === null || !Number.isFinite(score)) return -1;
  const t = (score - domain.min) / (domain.max - domain.min);
  return Math.min(BINS - 1, Math.max(0, Math.round(t * (BINS - 1))));
}
