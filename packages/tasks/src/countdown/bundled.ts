// The committed list data/hardest-100.txt, for callers (the demo) that want the hardest puzzles without the
// ~2 s it takes to compute the dataset. The dataset test keeps the file equal to a fresh computation.
import { readFileSync } from 'node:fs';

const HARDEST_FILE = new URL('../../data/hardest-100.txt', import.meta.url);

let cached: ReadonlyArray<readonly number[]> | undefined;

/** The 100 hardest 4-number puzzles (target 24), hardest first, each ascending. Read once per process. */
export function bundledHardestPuzzles(): ReadonlyArray<readonly number[]> {
  cached ??= parseHardestFile(readFileSync(HARDEST_FILE, 'utf8'));
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
