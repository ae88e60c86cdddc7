// Choosing the answer among finished trajectories: a verified one if any, else by vote or best score.

import type { Vote } from './config.js';
import type { Pick } from './context.js';
import type { SearchTree } from './tree.js';
import { vote, type Ballot } from './vote.js';

export interface Finished {
  node: number;
  /** Trajectory score: outcome when known, else the algorithm's own estimate. */
  score: number;
}

/** Finished trajectories in creation order, so votes and ties do not depend on when replies arrived. */
function inOrder(finished: readonly Finished[]): Finished[] {
  return [...finished].sort((a, b) => a.node - b.node);
}

/**
 * A verified answer (outcome >= 1) wins outright, as in MCTS's final choice: nothing beats a checked
 * answer, whatever a vote says. Otherwise `how` decides ('best' = highest score, earliest on ties).
 * Returns null when nothing with an answer has finished.
 */
export function pickFinished(
  tree: SearchTree,
  finished: readonly Finished[],
  how: Vote,
  answerKey: (answer: string) => string,
): Pick | null {
  const voters = inOrder(finished).filter((f) => tree.node(f.node).answer !== '');
  const verified = voters.find((f) => (tree.node(f.node).outcome ?? 0) >= 1);
  if (verified) return { answer: tree.node(verified.node).answer, best: tree.steps(verified.node), score: verified.score };
  const ballots: Ballot[] = voters.map((f) => ({ answer: tree.node(f.node).answer, score: f.score }));
  const result = vote(ballots, how, answerKey);
  const winner = result ? voters[result.index] : undefined;
  if (!result || !winner) return null;
  return { answer: tree.node(winner.node).answer, best: tree.steps(winner.node), score: result.score };
}
