// The openai-judge reward backend: an LLM on an OpenAI-compatible server is asked of every step whether it is
// correct given the steps before it; the step reward is its probability of answering yes, and the outcome of a
// finished trajectory is its last step's reward, capped below 1 (a model's estimate never counts as verified).
import type { Usage } from '@arbor/contracts';
import { checkJudgeProblem, createJudge, judgeCallUsage, judgeServerDetector, stepPrompts, type Judge, startJudge } from '@arbor/judge';
import type { RewardBackend } from '../backend.js';
import { stepRewardsOf } from './step-rewards.js';
import { rewardHttpClient, rewardServerLabel, type RewardServerSettings } from './model-server.js';

export function createJudgeReward(settings: RewardServerSettings): RewardBackend & { readonly judge: Judge } {
  const judge = createJudge({
    http: rewardHttpClient(settings, settings.baseUrl),
    model: settings.model,
    api: settings.api,
    server: settings.server ?? 'vllm',
    detect: judgeServerDetector({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs, label: rewardServerLabel(settings.baseUrl) }),
    serverSetting: 'ARBOR_REWARD_SERVER',
    service: 'reward',
  });
  return {
    name: 'openai-judge',
    judge,
    start: (logger, signal) => startJudge(judge, logger, signal),
    check(problem) {
      checkJudgeProblem(problem);
    },
    async score(items, signal) {
      const started = performance.now();
      const steps = items.map((item) => item.trajectory.steps.map((s) => s.text));
      // Every step of every trajectory in one judge batch: one completions request, or one chat request each.
      const prompts = items.flatMap((item, i) => stepPrompts(item.problem, steps[i] as string[]));
      const answer = await judge.ask(prompts, signal);
      const rewards = stepRewardsOf(items, steps, answer.probabilities);
      const usage: Usage = judgeCallUsage(answer, performance.now() - started);
      return { rewards, usage };
    },
  };
}
