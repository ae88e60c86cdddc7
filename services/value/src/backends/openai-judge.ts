// The openai-judge value backend: an LLM on an OpenAI-compatible server is asked whether each partial solution
// will reach the correct final answer; the value is its probability of answering yes.
import type { Usage } from '@arbor/contracts';
import { checkJudgeProblem, createJudge, judgeCallUsage, judgeServerDetector, valuePrompt, type Judge, startJudge } from '@arbor/judge';
import type { ValueBackend } from '../backend.js';
import { valueHttpClient, valueServerLabel, type ValueServerSettings } from './model-server.js';

export function createJudgeValue(settings: ValueServerSettings): ValueBackend & { readonly judge: Judge } {
  const judge = createJudge({
    http: valueHttpClient(settings, settings.url),
    model: settings.model,
    api: settings.api,
    server: settings.server ?? 'vllm',
    detect: judgeServerDetector({ baseUrl: settings.url, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs, label: valueServerLabel(settings.url) }),
    serverSetting: 'ARBOR_VALUE_SERVER',
    service: 'value',
  });
  return {
    name: 'openai-judge',
    judge,
    start: (logger, signal) => startJudge(judge, logger, signal),
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
