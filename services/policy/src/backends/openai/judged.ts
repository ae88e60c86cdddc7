// What a task makes of one generated step: a candidate, a step its checker rejects, or nothing at all.
import type { Generation } from './generations.js';

export type Judged =
  | { kind: 'step'; text: string; terminal: boolean; answer: string }
  /** The task's checker rejected the step, or it was cut off: dropped, and counted in invalid_candidates. */
  | { kind: 'invalid' }
  /**
   * Nothing but whitespace: dropped, and counted in invalid_candidates too, since it was generated and paid
   * for. A chat template that trims the continued message makes every step empty; the count shows it.
   */
  | { kind: 'empty' };

/**
 * True when the model ended the text itself (end of sequence) rather than at a stop string or the token limit.
 * Only vLLM-style servers say so: stop_reason null (the EOS token) or a token id (another stop token), with
 * finish_reason 'stop'. When stop_reason is absent the two cannot be told apart, so this answers false. A text
 * that ends with a stop string (servers that keep it) stopped there, whatever stop_reason says.
 */
export function endedAtSequenceEnd(generation: Generation, stops: readonly string[]): boolean {
  if (generation.finishReason !== 'stop') return false;
  const { stopReason } = generation;
  if (stopReason !== null && typeof stopReason !== 'number') return false;
  return !stops.some((stop) => generation.text.endsWith(stop));
}
