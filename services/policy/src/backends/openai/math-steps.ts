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
  const answer = math.extractAnswer(text);
  if (answer !== undefined) return { kind: 'step', text, terminal: true, answer };
  // A solution that ends without a readable answer is still finished: the verifier will judge it wrong.
  if (endOfSequenceFinishes && endedAtSequenceEnd(generation, stops)) return { kind: 'step', text, terminal: true, answer: '' };
  return { kind: 'step', text, terminal: false, answer: '' };
}
