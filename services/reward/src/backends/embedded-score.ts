// Rule-based countdown rewards: a step earns 1 when it is exactly right in the state the valid steps before it
// reached, and the outcome is scored only once the trajectory has finished.
import { countdown } from '@arbor/tasks';

export interface TrajectoryScore {
  stepRewards: number[];
  /** Present only when the trajectory is finished. */
  outcome?: number;
}

export function scoreTrajectory(puzzle: countdown.CountdownPuzzle, steps: readonly string[]): TrajectoryScore {
  const replayed = countdown.replay(puzzle, steps);
  // Once a step is wrong the state is unknown, so every later step earns 0 too, however plausible it looks.
  const stepRewards = steps.map((_, i) => (i < replayed.validSteps ? 1 : 0));
  const allValid = replayed.failure === null;
  const last = steps.at(-1);
  // Finished: one number really left, or the last step claims so (a slipped final step still ends the attempt).
  const finished = (allValid && replayed.state.length === 1) || (last !== undefined && countdown.claimedLeft(last)?.length === 1);
  if (!finished) return { stepRewards };
  const reached = allValid && replayed.state.length === 1 && (replayed.state[0] as countdown.Rational).equals(countdown.rational(puzzle.target));
  return { stepRewards, outcome: reached ? 1 : 0 };
}
