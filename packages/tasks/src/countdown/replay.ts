// Replays a trajectory from the inputs: strictly (what the reward and value trust) or as claimed (what a policy
// that slipped earlier would keep building on).
import { checkStep, type StepFailure } from './check.js';
import type { CountdownPuzzle } from './problem.js';
import { initialState, type State } from './state.js';
import { claimedLeft } from './step.js';

export interface Replay {
  /** State after the leading valid steps (the inputs when the first step is already invalid). */
  readonly state: State;
  /** How many leading steps are valid; equals the step count when all are. */
  readonly validSteps: number;
  /** The first invalid step, if any; later steps are not judged (their state is unknown). */
  readonly failure: { readonly index: number; readonly reason: StepFailure; readonly message: string } | null;
}

export function replay(puzzle: CountdownPuzzle, steps: readonly string[]): Replay {
  let state = initialState(puzzle);
  for (let i = 0; i < steps.length; i++) {
    const verdict = checkStep(state, steps[i] ?? '');
    if (!verdict.valid) {
      return { state, validSteps: i, failure: { index: i, reason: verdict.reason, message: verdict.message } };
    }
    state = verdict.next;
  }
  return { state, validSteps: steps.length, failure: null };
}

/**
 * The state the trajectory claims to be in: the `left:` list of the last step that has a readable one,
 * else the inputs. Equal to `replay(...).state` when every step is valid.
 */
export function claimedState(puzzle: CountdownPuzzle, steps: readonly string[]): State {
  for (let i = steps.length - 1; i >= 0; i--) {
    const left = claimedLeft(steps[i] ?? '');
    if (left !== null) return left;
  }
  return initialState(puzzle);
}
