// "Did you mean ...?" for names a caller typed: CLI commands and flags, request parameters, enum values. Case is
// ignored, and a suggestion is made only when it is close enough to be a typo rather than another word.
import { distance } from 'fastest-levenshtein';

/**
 * The candidate closest to `input`, when within a typo's distance: 2 edits (a swapped pair of letters is two),
 * 3 for names of 9 letters or more, 1 for names of 1 or 2.
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const wanted = input.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const d = distance(wanted, name.toLowerCase());
    if (!best || d < best.distance) best = { name, distance: d };
  }
  const allowed = input.length <= 2 ? 1 : input.length >= 9 ? 3 : 2;
  return best && best.distance <= allowed ? best.name : undefined;
}

/** ` (did you mean X?)`, or nothing. */
export function didYouMean(input: string, candidates: Iterable<string>, format: (name: string) => string = (n) => n): string {
  const name = closestName(input, candidates);
  return name === undefined ? '' : ` (did you mean ${format(name)}?)`;
}
