// Particle filtering's resampling: probabilities by a softmax over weights, and seeded multinomial draws.

/**
 * softmax(weight / temperature) over the particles that may be drawn; `null` marks one that may not (a dead end),
 * which gets probability 0. Non-finite weights count as 0. All zeros when no particle may be drawn.
 */
export function resamplingProbabilities(weights: ReadonlyArray<number | null>, temperature: number): number[] {
  const scaled = weights.map((w) => (w === null ? null : (Number.isFinite(w) ? w : 0) / temperature));
  const eligible = scaled.filter((s): s is number => s !== null);
  if (eligible.length === 0) return weights.map(() => 0);
  // Shifting by the max keeps exp() from overflowing at low temperatures; the softmax is unchanged.
  const top = Math.max(...eligible);
  const raw = scaled.map((s) => (s === null ? 0 : Math.exp(s - top)));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => r / total);
}

/**
 * Multinomial resampling: `count` independent draws from `probabilities`, draw i taking the uniform number
 * `uniform(i)` in [0, 1) by inversion of the cumulative distribution (particles in index order). Returns the drawn
 * indices in ascending order, so copies of one particle sit together and the result does not depend on the order
 * of the draws. Empty when no index has a positive probability.
 */
export function multinomialResample(probabilities: readonly number[], count: number, uniform: (i: number) => number): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (const p of probabilities) {
    sum += p > 0 && Number.isFinite(p) ? p : 0;
    cumulative.push(sum);
  }
  if (sum <= 0) return [];
  const last = probabilities.findLastIndex((p) => p > 0 && Number.isFinite(p));
  const drawn: number[] = [];
  for (let i = 0; i < count; i++) {
    const u = uniform(i) * sum;
    // The first index whose cumulative mass passes u; rounding can leave u at the very top, which is the last
    // index with any mass. Zero-probability indices never pass (their cumulative equals the one before).
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < (cumulative[mid] ?? sum)) hi = mid;
      else lo = mid + 1;
    }
    drawn.push(lo);
  }
  return drawn.sort((a, b) => a - b);
}
