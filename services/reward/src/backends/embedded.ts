// The embedded countdown reward backend: exact rule-based process and outcome rewards (embedded-score.ts).
import type { ScoreRequest__Output, ScoreResponse } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import type { RewardBackend } from '../backend.js';
import { scoreTrajectory } from './embedded-score.js';

export const EMBEDDED_REWARD_MODEL = 'embedded/countdown-reward';

export function createEmbeddedReward(): RewardBackend {
  return {
    name: 'embedded',
    async score(request: ScoreRequest__Output, signal: AbortSignal): Promise<ScoreResponse> {
      if (signal.aborted) throw new CancelledError('score cancelled');
      const started = performance.now();
      if (request.problem === null) throw new InvalidArgumentError('problem', 'is required');
      if (request.problem.task !== countdown.TASK_NAME) {
        throw new InvalidArgumentError('problem.task', `the embedded reward serves "${countdown.TASK_NAME}" only, got "${request.problem.task}"`);
      }
      const puzzle = countdown.parseProblem(request.problem);
      let inputTokens = 0;
      const rewards = request.trajectories.map((trajectory) => {
        const steps = trajectory.steps.map((s) => s.text);
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
