// A process reward model read as the language model it is (the `next-token` route of prm-format.ts, Math-Shepherd):
// for each step, the text up to that step's tag goes to /v1/completions, continued by one token, and the step
// reward is P(+) / (P(+) + P(-)) from the top logprobs. The shared judge sends the requests, so the server's kind
// (ARBOR_REWARD_SERVER) shapes them as it does a judge's, and a step answered with neither label is counted
// as undecided (0.5). The outcome of a finished trajectory is its last step's reward, capped below 1.
import type { Usage } from '@arbor/contracts';
import { createJudge, judgeCallUsage, judgeServerDetector, problemStatement, type Judge, startJudge } from '@arbor/judge';
import type { RewardBackend } from '../backend.js';
import { stepRewardsOf } from './step-rewards.js';
import { rewardHttpClient, rewardServerLabel, type RewardServerSettings } from './model-server.js';
import { plusOrMinus } from './prm-format.js';

export function createNextTokenPrmReward(settings: RewardServerSettings): RewardBackend & { readonly judge: Judge } {
  const { prm } = settings;
  const judge = createJudge({
    http: rewardHttpClient(settings, settings.baseUrl),
    model: settings.model,
    api: 'completions',
    server: settings.server ?? 'vllm',
    detect: judgeServerDetector({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs, label: rewardServerLabel(settings.baseUrl) }),
    serverSetting: 'ARBOR_REWARD_SERVER',
    service: 'reward',
    // The text as the model was trained on it, ending at the step tag; chat would wrap it in a template.
    format: { completionsText: (text) => text, verdictOf: prm.verdictOf ?? plusOrMinus, completionsOnly: true },
  });
  return {
    name: 'vllm-prm',
    judge,
    check(problem) {
      problemStatement(problem);
    },
    start: (logger, signal) => startJudge(judge, logger, signal),
    async score(items, signal) {
      const started = performance.now();
      const steps = items.map((item) => item.trajectory.steps.map((s) => s.text));
      // One prompt per step: the statement and the steps up to it, each closed by the tag.
      const prompts = items.flatMap((item, i) => {
        const own = steps[i] as string[];
        if (own.length === 0) return [];
        const statement = problemStatement(item.problem);
        return own.map((_, k) => prm.render(statement, own.slice(0, k + 1)));
      });
      const answer = await judge.ask(prompts, signal);
      const rewards = stepRewardsOf(items, steps, answer.probabilities);
      const usage: Usage = judgeCallUsage(answer, performance.now() - started);
      return { rewards, usage };
    },
  };
}
