// The outcome of a finished trajectory when a model (vllm-prm, openai-judge) estimates it, not a verifier.

/**
 * The highest outcome a model's estimate may give. An outcome of exactly 1 is a verified answer: the search stops
 * on it as 'solved' and lets it beat the vote, so only a checker may give it (math-verify,
 * ARBOR_REWARD_VERIFY_OUTCOME, the embedded countdown reward). A model's P(correct) reaches 1 too easily to be
 * trusted so: a PRM's softmax rounded in float32 ([0, 1]), a judge whose top tokens list " Yes" at logprob 0 and
 * no "No". Just below 1 it still ranks above every other estimate.
 */
export const MAX_MODEL_OUTCOME = 1 - 1e-6;

/** A model's estimate as an outcome: capped strictly below 1, the value reserved for a verified answer. */
export function modelOutcome(probability: number): number {
  return Math.min(probability, MAX_MODEL_OUTCOME);
}
