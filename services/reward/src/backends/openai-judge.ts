// The openai-judge reward backend: an LLM on an OpenAI-compatible server is asked of every step whether it is
// correct given the steps before it; the step reward is its probability of answering yes, and the outcome of a
// finished trajectory is its last step's reward, capped below 1 (a model's estimate never counts as verified).
import type { StepRewards, Usage } from '@arbor/contracts';
import { checkJudgeProblem, createJudge, judgeCallUsage, stepPrompts, type Judge } from '@arbor/judge';
import type { RewardBackend } from '../backend.js';
import { isFinished } from './finished.js';
import { modelOutcome } from './model-outcome.js';
import { rewardHttpClient, type RewardServerSettings } from './model-server.js';

export function createJudgeReward(settings: RewardServerSettings): RewardBackend & { readonly judge: Judge } {
  const judge = createJudge({ http: rewardHttpClient(settings, settings.baseUrl), model: settings.model, api: settings.api });
  return {
    name: 'openai-judge',
    judge,
    check(problem) {
      checkJudgeProblem(problem);
    },
    async score(items, signal) {
      const started = performance.now();
      const steps = items.map((item) => item.trajectory.steps.map((s) => s.text));
      // Every step of every trajectory in one judge batch: one completions request, or one chat request each.
      const prompts = items.flatMap((item, i) => stepPrompts(item.problem, steps[i] as string[]));
      const answer = await judge.ask(prompts, signal);
      let at = 0;
      const rewards = items.map((item, i): StepRewards => {
        const own = steps[i] as string[];
        const stepRewards = answer.probabilities.slice(at, at + own.length);
        at += own.length;
        if (stepRewards.length === 0 || !isFinished(item.problem, own)) return { stepRewards };
        return { stepRewards, outcome: modelOutcome(stepRewards.at(-1) as number) };
      });
      const usage: Usage = judgeCallUsage(answer, performance.now() - started);
      return { rewards, usage };
    },
  };
}
