// The embedded countdown reward backend: exact rule-based process and outcome rewards (embedded-score.ts).
import type { Problem__Output } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import type { RewardBackend } from '../backend.js';
import { scoreTrajectory } from './embedded-score.js';

export const EMBEDDED_REWARD_MODEL = 'embedded/countdown-reward';

function puzzleOf(problem: Problem__Output): countdown.CountdownPuzzle {
  if (problem.task !== countdown.TASK_NAME) {
    throw new InvalidArgumentError('problem.task', `the embedded reward serves "${countdown.TASK_NAME}" only, got ${nameInMessage(problem.task)}; for other tasks set ARBOR_REWARD_BACKEND=vllm-prm, openai-judge or math-verify`);
  }
  return countdown.parseProblem(problem);
}

export function createEmbeddedReward(): RewardBackend {
  return {
    name: 'embedded',
    check(problem) {
      puzzleOf(problem);
    },
    async score(items, signal) {
      if (signal.aborted) throw new CancelledError('score cancelled');
      const started = performance.now();
      // A batch may mix problems; consecutive items usually share one, so the last parse is reused.
      let lastProblem: Problem__Output | undefined;
      let puzzle: countdown.CountdownPuzzle | undefined;
      let inputTokens = 0;
      const rewards = items.map((item) => {
        if (item.problem !== lastProblem || puzzle === undefined) {
          puzzle = puzzleOf(item.problem);
          lastProblem = item.problem;
        }
        const steps = item.trajectory.steps.map((s) => s.text);
        inputTokens += estimateTokens(countdown.renderPrompt(puzzle, steps));
        return scoreTrajectory(puzzle, steps);
      });
      return {
        rewards,
        usage: {
          inputTokens,
          // A process reward model reads and scores; it generates nothing.
          outputTokens: 0,
          calls: 1,
          costUsd: 0,
          computeMs: performance.now() - started,
          model: EMBEDDED_REWARD_MODEL,
          estimated: true,
        },
      };
    },
  };
}
