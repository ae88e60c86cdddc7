// The committed list of the hardest puzzles, for callers (the demo) that want them without the ~2 s it takes
// to compute the dataset. It is a generated module rather than a data file so that it travels inside any
// bundle; the dataset test keeps it equal to a fresh computation.
import { HARDEST_100_TEXT } from './hardest-100.generated.js';

let cached: ReadonlyArray<readonly number[]> | undefined;

/** The 100 hardest 4-number puzzles (target 24), hardest first, each ascending. Read once per process. */
export function bundledHardestPuzzles(): ReadonlyArray<readonly number[]> {
  cached ??= parseHardestFile(HARDEST_100_TEXT);
  return cached;
}

/** One puzzle per line, numbers separated by spaces; blank lines are ignored. */
export function parseHardestFile(text: string): ReadonlyArray<readonly number[]> {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => {
      const numbers = line.split(/\s+/).map(Number);
      if (!numbers.every((n) => Number.isInteger(n) && n > 0)) {
        throw new RangeError(`hardest puzzles file, line ${i + 1}: "${line}" is not a list of positive integers`);
      }
      return Object.freeze(numbers);
    });
}
