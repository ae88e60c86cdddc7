import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledHardestPuzzles, parseHardestFile } from './bundled.js';
import { countdownDataset, enumeratePuzzles, hardestFileText, hardestModuleText, hardestPuzzles } from './dataset.js';

// Computing the whole dataset takes about 2 s (it is memoized, so the tests below share one run).
const SLOW = 90_000;

describe('countdown dataset', () => {
  it('enumerates the 1820 multisets of four numbers in 1..13', () => {
    const all = enumeratePuzzles(4, 1, 13);
    expect(all).toHaveLength(1820);
    expect(all[0]).toEqual([1, 1, 1, 1]);
    expect(all.at(-1)).toEqual([13, 13, 13, 13]);
  });

  it(
    'has 1362 solvable puzzles, none of which needs a negative intermediate',
    () => {
      const dataset = countdownDataset();
      expect(dataset).toHaveLength(1362);
      expect(dataset.filter((e) => e.nonNegativeSolutions > 0)).toHaveLength(1362);
      expect(dataset.every((e) => e.solvable && Number.isFinite(e.difficulty) && e.solutions > 0)).toBe(true);
      expect(countdownDataset()).toBe(dataset);
    },
    SLOW,
  );

  it(
    'ranks the puzzles that need a fraction among the hardest',
    () => {
      const needsFraction = countdownDataset().filter((e) => e.needsFraction);
      expect(needsFraction.map((e) => e.question)).toContain('3 3 8 8');
      expect(needsFraction.map((e) => e.question)).toContain('1 5 5 5');
      const top = hardestPuzzles(needsFraction.length).map((e) => e.question);
      const inTop = needsFraction.filter((e) => top.includes(e.question)).length;
      expect(inTop).toBe(needsFraction.length);
      const hardest = hardestPuzzles(5);
      for (let i = 1; i < hardest.length; i++) {
        expect((hardest[i - 1]?.difficulty ?? 0) >= (hardest[i]?.difficulty ?? 0)).toBe(true);
      }
    },
    SLOW,
  );

  it(
    'matches the generated hardest-100.generated.ts (regenerate with npm run generate)',
    () => {
      const bundled = readFileSync(new URL('./hardest-100.generated.ts', import.meta.url), 'utf8');
      expect(bundled).toBe(hardestModuleText(100));
      expect(hardestFileText(100).split('\n').filter((l) => l !== '')).toHaveLength(100);
      expect(bundledHardestPuzzles()).toEqual(hardestPuzzles(100).map((e) => e.numbers));
    },
    SLOW,
  );

  it('reads the bundled list without computing the dataset', () => {
    expect(bundledHardestPuzzles()).toHaveLength(100);
    expect(bundledHardestPuzzles()[0]).toEqual([2, 3, 5, 12]);
    expect(parseHardestFile('1 2 3 4\n\n5 6 7 8\n')).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(() => parseHardestFile('1 2 x 4')).toThrow(RangeError);
  });
});
