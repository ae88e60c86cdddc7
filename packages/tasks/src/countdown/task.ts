// Countdown as a registry task: the four hooks the orchestrator uses (validation, verdict, vote key, state key).
import type { ProblemLike, TaskDefinition } from '../task.js';
import { checkAnswer } from './answer.js';
import { checkStep } from './check.js';
import { parseProblem, TASK_NAME, type CountdownPuzzle } from './problem.js';
import { replay, type Replay } from './replay.js';
import { stateKey } from './state.js';

/**
 * Replays by trajectory, per problem object (a search holds one for its whole run, so the cache lives as long as
 * the search). The search asks for the key of every child of a node: each then costs one step checked against
 * its parent's cached state instead of a replay from the inputs.
 */
const replays = new WeakMap<ProblemLike, { puzzle: CountdownPuzzle; byTrajectory: Map<string, Replay> }>();
const MAX_CACHED_REPLAYS = 8_192;

function cachedReplay(problem: ProblemLike, steps: readonly string[]): Replay {
  let entry = replays.get(problem);
  if (!entry) {
    entry = { puzzle: parseProblem(problem), byTrajectory: new Map() };
    replays.set(problem, entry);
  }
  const key = steps.join('\u0000');
  const cached = entry.byTrajectory.get(key);
  if (cached) return cached;
  let result: Replay;
  if (steps.length === 0) {
    result = replay(entry.puzzle, steps);
  } else {
    const parent = cachedReplay(problem, steps.slice(0, -1));
    if (parent.failure !== null) {
      result = parent;
    } else {
      const index = steps.length - 1;
      const verdict = checkStep(parent.state, steps[index] ?? '');
      result = verdict.valid
        ? { state: verdict.next, validSteps: steps.length, failure: null }
        : { state: parent.state, validSteps: index, failure: { index, reason: verdict.reason, message: verdict.message } };
    }
  }
  if (entry.byTrajectory.size >= MAX_CACHED_REPLAYS) entry.byTrajectory.clear();
  entry.byTrajectory.set(key, result);
  return result;
}

export const countdownTask: TaskDefinition = {
  name: TASK_NAME,
  validateProblem(problem) {
    parseProblem(problem);
  },
  verifyAnswer(problem, answer) {
    return checkAnswer(parseProblem(problem), answer).correct;
  },
  // A wrong but legal expression still gets its value as key, so votes among wrong answers stay meaningful;
  // answers that misuse the numbers or do not parse all collapse into 'invalid'.
  answerKey(problem, answer) {
    return checkAnswer(parseProblem(problem), answer).value ?? 'invalid';
  },
  // Valid trajectories merge by their remaining numbers (`4 4 10`); an invalid one has no trustworthy state, so it
  // is keyed by its own text and merges only with an identical trajectory.
  stateKey(problem, steps) {
    const result = cachedReplay(problem, steps);
    return result.failure === null ? stateKey(result.state) : `invalid:${steps.join('\n')}`;
  },
};
