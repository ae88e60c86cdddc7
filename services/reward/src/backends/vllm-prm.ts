// The vllm-prm reward backend: a process reward model with a reward head served by vLLM (`--runner pooling`), one
// POST /pooling per batch with one input text per trajectory; each returned row scores one step, and the step
// reward is the probability of the row's positive label. The outcome of a finished trajectory is its last step's
// reward, capped below 1 (a model's estimate never counts as verified). A preset whose model says its verdict as
// a token (Math-Shepherd) is read on /v1/completions instead (next-token-prm.ts).
import type { StepRewards, Usage } from '@arbor/contracts';
import { problemStatement } from '@arbor/judge';
import { poolingReplySchema } from '@arbor/kit/model-http';
import { ItemRejectedError, UnavailableError } from '@arbor/kit/errors';
import { estimateTokens } from '@arbor/tasks';
import type { RewardBackend } from '../backend.js';
import { isFinished } from './finished.js';
import { modelOutcome } from './model-outcome.js';
import { rewardHttpClient, rewardServerLabel, type RewardServerSettings } from './model-server.js';
import { createNextTokenPrmReward } from './next-token-prm.js';
import { positiveProbability } from './prm-format.js';

/** vLLM serves /pooling at the server root, not under /v1. */
export function poolingRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '');
}

export function createVllmPrmReward(settings: RewardServerSettings): RewardBackend {
  // A PRM that says its verdict as a token (Math-Shepherd) is asked on /v1/completions, not /pooling.
  if (settings.prm.route === 'next-token') return createNextTokenPrmReward(settings);
  const root = poolingRoot(settings.baseUrl);
  const http = rewardHttpClient(settings, root);
  const label = rewardServerLabel(root);
  const { prm } = settings;
  return {
    name: 'vllm-prm',
    check(problem) {
      problemStatement(problem);
    },
    async score(items, signal) {
      const started = performance.now();
      const steps = items.map((item) => item.trajectory.steps.map((s) => s.text));
      // A trajectory without steps has nothing to score; the server would return no rows for it anyway.
      const asked = items.flatMap((_, i) => ((steps[i] as string[]).length > 0 ? [i] : []));
      const texts = asked.map((i) => prm.render(problemStatement(items[i]!.problem), steps[i] as string[]));
      const stepRewards: number[][] = items.map(() => []);
      let inputTokens: number | undefined = 0;
      let model = settings.model;
      if (texts.length > 0) {
        const reply = await http.postJson('/pooling', { model: settings.model, input: texts, encoding_format: 'float' }, poolingReplySchema, signal);
        const rowsByInput = byIndex(reply.data, texts.length, label);
        asked.forEach((itemIndex, k) => {
          const data = rowsByInput[k] as number[][] | number[];
          // A flat vector is one row: what a server returns for a single pooled position.
          const rows = data.length > 0 && typeof data[0] === 'number' ? [data as number[]] : (data as number[][]);
          const want = (steps[itemIndex] as string[]).length;
          // One trajectory's text made the model see more or fewer steps (a step holding a word-like tag, a step
          // cut short by the context length): that trajectory's fault, not an outage, and a retry would repeat it.
          // ItemRejectedError (FAILED_PRECONDITION) lets the handler re-run a shared batch caller by caller, so only
          // its caller fails.
          if (rows.length !== want) throw new ItemRejectedError(`${label} returned ${rows.length} step scores for ${want} steps`);
          stepRewards[itemIndex] = rows.map((row) => positiveProbability(row, prm, label));
        });
        inputTokens = reply.usage?.prompt_tokens;
        model = reply.model || model;
      }
      const rewards = items.map((item, i): StepRewards => {
        const own = stepRewards[i] as number[];
        if (own.length === 0 || !isFinished(item.problem, steps[i] as string[])) return { stepRewards: own };
        return { stepRewards: own, outcome: modelOutcome(own.at(-1) as number) };
      });
      const usage: Usage = {
        inputTokens: inputTokens ?? texts.reduce((sum, t) => sum + estimateTokens(t), 0),
        // A process reward model reads and scores; it generates nothing.
        outputTokens: 0,
        // No request when every trajectory was empty: no call, as the policy reports for a prefix already finished.
        calls: texts.length > 0 ? 1 : 0,
        costUsd: 0,
        computeMs: performance.now() - started,
        model,
        estimated: inputTokens === undefined,
      };
      return { rewards, usage };
    },
  };
}

/** The reply's entries in input order, by their `index`; every input exactly once. */
function byIndex<T extends { index: number; data: unknown }>(data: readonly T[], inputs: number, label: string): T['data'][] {
  const out: (T['data'] | undefined)[] = new Array(inputs).fill(undefined);
  for (const entry of data) {
    if (!Number.isInteger(entry.index) || entry.index < 0 || entry.index >= inputs || out[entry.index] !== undefined) {
      throw new UnavailableError(`${label} returned an entry with index ${entry.index} for ${inputs} inputs`);
    }
    out[entry.index] = entry.data;
  }
  const missing = out.filter((d) => d === undefined).length;
  if (missing > 0) throw new UnavailableError(`${label} returned ${inputs - missing} entries for ${inputs} inputs`);
  return out as T['data'][];
}
