// The openai-judge value backend: an LLM on an OpenAI-compatible server is asked whether each partial solution
// will reach the correct final answer; the value is its probability of answering yes.
import type { Usage } from '@arbor/contracts';
import { checkJudgeProblem, createJudge, judgeCallUsage, valuePrompt, type Judge } from '@arbor/judge';
import type { ValueBackend } from '../backend.js';
import { valueHttpClient, type ValueServerSettings } from './model-server.js';

export function createJudgeValue(settings: ValueServerSettings): ValueBackend & { readonly judge: Judge } {
  const judge = createJudge({ http: valueHttpClient(settings, settings.url), model: settings.model, api: settings.api });
  return {
    name: 'openai-judge',
    judge,
    check(problem) {
      checkJudgeProblem(problem);
    },
    async evaluate(items, signal) {
      const started = performance.now();
      const prompts = items.map((item) => valuePrompt(item.problem, item.state.steps.map((s) => s.text)));
      const answer = await judge.ask(prompts, signal);
      const usage: Usage = judgeCallUsage(answer, performance.now() - started);
      return { values: answer.probabilities, usage };
    },
  };
}
