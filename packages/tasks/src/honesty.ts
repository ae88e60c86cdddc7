// The embedded backends must be honest heuristics: no solver, no dataset, no precomputed answers. Their tests
// scan the backend sources with this one list, kept here beside the ground truth it names.
import { readFileSync, readdirSync } from 'node:fs';

/** Ground-truth exports and modules of this package that no backend may reference. */
const GROUND_TRUTH =
  /\b(solve|countSolutions|analysePuzzle|createAnalysisMemo|countdownDataset|hardestPuzzles|hardestFileText|SAMPLE_PROBLEMS|sampleProblem)\b|hardest-100|solver\.js|samples\.js/;

export interface SourceScan {
  /** Source files scanned (name starts with the prefix, .ts, not a test). */
  files: string[];
  /** Files that reference the ground truth. */
  offenders: string[];
}

/** Scans the non-test `.ts` files in `dir` whose names start with `prefix` for references to the ground truth. */
export function scanForGroundTruth(dir: URL, prefix: string): SourceScan {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const offenders = files.filter((file) => GROUND_TRUTH.test(readFileSync(new URL(file, dir), 'utf8')));
  return { files, offenders };
}
