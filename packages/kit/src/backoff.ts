// The doubling wait between tries of something that keeps failing: `firstMs` after the first failure, twice as long
// after each further one, never more than `capMs`.

/** The wait after failure number `failures` (1 for the first). */
export function doublingDelayMs(failures: number, firstMs: number, capMs: number): number {
  return Math.min(capMs, firstMs * 2 ** Math.max(0, failures - 1));
}
