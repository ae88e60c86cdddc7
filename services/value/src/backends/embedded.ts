// The embedded countdown value backend: a documented heuristic (embedded-heuristic.ts), no model server.
import type { EvaluateRequest__Output, EvaluateResponse } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import type { ValueBackend } from '../backend.js';
import { estimateValue } from './embedded-heuristic.js';

export const EMBEDDED_VALUE_MODEL = 'embedded/countdown-value';

export function createEmbeddedValue(): ValueBackend {
  return {
    name: 'embedded',
    async evaluate(request: EvaluateRequest__Output, signal: AbortSignal): Promise<EvaluateResponse> {
      if (signal.aborted) throw new CancelledError('evaluate cancelled');
      const started = performance.now();
      if (request.problem === null) throw new InvalidArgumentError('problem', 'is required');
      if (request.problem.task !== countdown.TASK_NAME) {
        throw new InvalidArgumentError('problem.task', `the embedded value serves "${countdown.TASK_NAME}" only, got "${request.problem.task}"`);
      }
      const puzzle = countdown.parseProblem(request.problem);
      let inputTokens = 0;
      let outputTokens = 0;
      const values = request.states.map((trajectory) => {
        const steps = trajectory.steps.map((s) => s.text);
        const value = estimateValue(puzzle, steps);
        // Billed like an LLM judge in the Tree-of-Thoughts style: the state as prompt, one verdict word out.
        inputTokens += estimateTokens(countdown.renderPrompt(puzzle, steps));
        outputTokens += estimateTokens(verdictWord(value));
        return value;
      });
      return {
        values,
        usage: {
          inputTokens,
          outputTokens,
          calls: 1,
          costUsd: 0,
          computeMs: performance.now() - started,
          model: EMBEDDED_VALUE_MODEL,
          estimated: true,
        },
      };
    },
  };
}

function verdictWord(value: number): string {
  return value >= 0.75 ? 'sure' : value >= 0.25 ? 'likely' : 'impossible';
}
