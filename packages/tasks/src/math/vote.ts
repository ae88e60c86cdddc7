// Majority vote over final answers (self-consistency), counting spellings of one value as one answer.
import { normalizeAnswer } from './normalize.js';

export interface Vote {
  /** The first spelling seen of the winning answer, as written. */
  answer: string;
  /** Its canonical form (normalizeAnswer). */
  key: string;
  votes: number;
}

/**
 * The answer with the most votes by canonical form; a tie goes to the answer that appeared first. Answers that
 * normalise to nothing ("", "$ $") are not votes. Undefined when no answer votes.
 */
export function majorityVote(answers: readonly string[]): Vote | undefined {
  const tally = new Map<string, Vote>();
  for (const answer of answers) {
    const key = normalizeAnswer(answer);
    if (key === '') continue;
    const vote = tally.get(key);
    if (vote === undefined) tally.set(key, { answer, key, votes: 1 });
    else vote.votes++;
  }
  let best: Vote | undefined;
  // Map order is first appearance, so a strict comparison keeps the earliest of tied answers.
  for (const vote of tally.values()) {
    if (best === undefined || vote.votes > best.votes) best = vote;
  }
  return best === undefined ? undefined : { ...best };
}
