// Turns a generated math step into a candidate: terminal once it states a final answer, or once the model ended
// its solution there.
import { math } from '@arbor/tasks';
import type { Generation } from './generations.js';
import { endedAtSequenceEnd, type Judged } from './judged.js';

/**
 * @param endOfSequenceFinishes whether the end of sequence ends the solution. True when the model continues a
 *   solution (completions, continued chat); false in a plain chat turn, where it only ends the reply to
 *   "write the next step".
 */
export function judgeMathStep(generation: Generation, stops: readonly string[], endOfSequenceFinishes: boolean): Judged {
  const text = generation.text.trim();
  if (text === '') return { kind: 'empty' };
  const answer = math.extractAnswer(text, { unmarked: false }); // marked only: nearly every step has math
  if (answer !== undefined) return { kind: 'step', text, terminal: true, answer };
  // Cut off at max_tokens: half a step, which the next prompt would continue mid-sentence. Dropped, and counted
  // in invalid_candidates, so a max_tokens too small for the task's steps shows. (A final answer already written
  // is kept above: the text past it does not change it.)
  if (generation.finishReason === 'length') return { kind: 'invalid' };
  // The model ended its solution (end of sequence) without marking an answer: its last math or last number is read
  // as the answer, as graders read real output ("... so the volume is 120."); without one, the solution is still
  // finished, and the verifier will judge it wrong.
  if (endOfSequenceFinishes && endedAtSequenceEnd(generation, stops)) return { kind: 'step', text, terminal: true, answer: math.extractAnswer(text) ?? '' };
  return { kind: 'step', text, terminal: false, answer: '' };
}
