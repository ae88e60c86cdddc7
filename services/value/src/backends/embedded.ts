// The embedded countdown value backend: a documented heuristic (embedded-heuristic.ts), no model server.
import type { Problem__Output, Usage } from '@arbor/contracts';
import { CancelledError, InvalidArgumentError, nameInMessage } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import type { ValueBackend, ValueItem } from '../backend.js';
import { estimateValue } from './embedded-heuristic.js';

export const EMBEDDED_VALUE_MODEL = 'embedded/countdown-value';

function puzzleOf(problem: Problem__Output): countdown.CountdownPuzzle {
  if (problem.task !== countdown.TASK_NAME) {
    throw new InvalidArgumentError('problem.task', `the embedded value serves "${countdown.TASK_NAME}" only, got ${nameInMessage(problem.task)}; for other tasks set ARBOR_VALUE_BACKEND=openai-judge or http, or search without the value service (--param use_value=false)`);
  }
  return countdown.parseProblem(problem);
}

export function createEmbeddedValue(): ValueBackend {
  return {
    name: 'embedded',
    check(problem) {
      puzzleOf(problem);
    },
    async evaluate(items: readonly ValueItem[], signal: AbortSignal): Promise<{ values: number[]; usage: Usage }> {
      if (signal.aborted) throw new CancelledError('evaluate cancelled');
      const started = performance.now();
      // A batch may mix problems; consecutive items usually share one, so the last parse is reused.
      let lastProblem: Problem__Output | undefined;
      let puzzle: countdown.CountdownPuzzle | undefined;
      let inputTokens = 0;
      let outputTokens = 0;
      const values = items.map((item) => {
        if (item.problem !== lastProblem || puzzle === undefined) {
          puzzle = puzzleOf(item.problem);
          lastProblem = item.problem;
        }
        const steps = item.state.steps.map((s) => s.text);
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
