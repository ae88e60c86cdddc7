// Checks a generated countdown step against the state the trajectory claims, the way the reward service will:
// an unreadable step, a number not left, wrong arithmetic or a wrong `left:` list is rejected.
import { countdown } from '@arbor/tasks';
import type { Generation } from './generations.js';
import type { Judged } from './judged.js';

// Chat models number or bullet their lines ("Step 2: ...", "2. ...", "- ..."); the step is what follows.
const LINE_MARKER = /^(?:step\s*\d+\s*[:.)-]\s*|\d+[.)]\s+|[-*•]\s+)/i;

/**
 * @param state the numbers left before this step, as the trajectory claims them (countdown.claimedState)
 * @param steps the steps so far, for the answer of a final step
 */
export function judgeCountdownStep(puzzle: countdown.CountdownPuzzle, state: countdown.State, steps: readonly string[], generation: Generation): Judged {
  const text = generation.text.trim().replace(LINE_MARKER, '').trim();
  if (text === '') return { kind: 'empty' };
  const verdict = countdown.checkStep(state, text);
  if (!verdict.valid) return { kind: 'invalid' };
  // The canonical spelling (spacing, operator symbol, sorted left list), so two spellings of one step merge.
  const { a, op, b, result } = verdict.step;
  const canonical = countdown.formatStep(a, op, b, result, verdict.next);
  const terminal = verdict.next.length === 1;
  const answer = terminal ? (countdown.composeAnswer(puzzle, [...steps, canonical]) ?? '') : '';
  return { kind: 'step', text: canonical, terminal, answer };
}
