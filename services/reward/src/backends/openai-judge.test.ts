import type { Problem__Output } from '@arbor/contracts';
import { STEP_QUESTION } from '@arbor/judge';
import { judgeReply, startFakeModelServerForTest, type FakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { RewardItem } from '../backend.js';
import { prmFormat } from './prm-format.js';
import { createJudgeReward } from './openai-judge.js';

const signal = new AbortController().signal;

const math: Problem__Output = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };

function item(problem: Problem__Output, steps: string[]): RewardItem {
  return { problem, trajectory: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } };
}

function judgeOn(fake: FakeModelServer, api: 'completions' | 'chat') {
  return createJudgeReward({ baseUrl: fake.baseUrl, model: 'judge', api, timeoutMs: 5_000, maxAttempts: 1, prm: prmFormat('qwen2.5-math-prm') });
}

/** P(yes) is 0.1 times the number of steps the prompt shows, so each reward says which prompt it came from. */
const topFor = (prompt: string) => {
  const shown = (prompt.split('Solution so far:\n')[1] ?? '').split('\n\n').filter((s) => s.trim() !== '' && !s.includes(STEP_QUESTION)).length;
  const p = shown / 10;
  return { ' Yes': Math.log(p), ' No': Math.log(1 - p) };
};

describe('openai-judge reward', () => {
  it('asks about every step of every trajectory in one completions request', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(topFor) }),
    });
    const result = await judgeOn(server, 'completions').score(
      [item(math, ['6 * 7 = 42', 'The answer is \\boxed{42}.']), item(math, ['6 * 7 = 40 + 2', 'so', 'hmm'])],
      signal,
    );
    expect(server.requestsTo('/v1/completions')).toHaveLength(1);
    const prompts = server.requestsTo('/v1/completions')[0]?.body.prompt as string[];
    expect(prompts).toHaveLength(5);
    expect(prompts[1]).toContain('6 * 7 = 42\n\nThe answer is \\boxed{42}.');
    expect(prompts.every((p) => p.includes(STEP_QUESTION))).toBe(true);
    const rounded = result.rewards.map((r) => ({ ...r, stepRewards: r.stepRewards?.map((x) => Number(Number(x).toFixed(9))), ...(r.outcome !== undefined && { outcome: Number(Number(r.outcome).toFixed(9)) }) }));
    expect(rounded).toEqual([{ stepRewards: [0.1, 0.2], outcome: 0.2 }, { stepRewards: [0.1, 0.2, 0.3] }]);
  });

  it.each(['completions', 'chat'] as const)('reports the prompt tokens the server served from its prefix cache (%s), summed over its requests', async (api) => {
    // 20 prompt tokens per prompt (judgeReply), 18 of each cached: the steps of a trajectory share its prefix.
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(topFor), cached: 18 * (req.body.prompt as string[]).length }),
      '/v1/chat/completions': (req) => judgeReply({ api: 'chat', top: [topFor(req.body.messages[0].content as string)], cached: 18 }),
    });
    const result = await judgeOn(server, api).score([item(math, ['6 * 7 = 42', 'The answer is \\boxed{42}.']), item(math, ['6 * 7 = 40 + 2'])], signal);
    expect(result.usage).toMatchObject({ inputTokens: 60, cachedInputTokens: 54, calls: 1 });
  });

  it.each(['completions', 'chat'] as const)('keeps a judge sure of the last step (%s) below the outcome of a verified answer', async (api) => {
    // " Yes" at logprob 0 and no "No" among the top tokens reads as P(yes) = 1 exactly.
    const top = { ' Yes': 0 };
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(() => top) }),
      '/v1/chat/completions': () => judgeReply({ api: 'chat', top: [top] }),
    });
    const result = await judgeOn(server, api).score([item(math, ['6 * 7 = 42', 'The answer is \\boxed{42}.']), item(math, ['6 * 7 = 42'])], signal);
    // Step rewards stay the model's; only the outcome, which the search takes for proof at 1, is capped.
    expect(result.rewards).toEqual([{ stepRewards: [1, 1], outcome: 1 - 1e-6 }, { stepRewards: [1] }]);
  });

  it('reports no call when every trajectory is empty, as nothing was sent', async () => {
    const server = await startFakeModelServerForTest({ '/v1/completions': (req) => judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map(topFor) }) });
    const result = await judgeOn(server, 'completions').score([item(math, []), item(math, [])], signal);
    expect(result.rewards).toEqual([{ stepRewards: [] }, { stepRewards: [] }]);
    expect(result.usage).toMatchObject({ inputTokens: 0, outputTokens: 0, calls: 0, costUsd: 0, model: 'judge', estimated: false });
    expect(server.requestsTo('/v1/completions')).toHaveLength(0);
  });

  it('asks one chat request per step', async () => {
    const server = await startFakeModelServerForTest({
      '/v1/chat/completions': (req) => judgeReply({ api: 'chat', top: [topFor(req.body.messages[0].content as string)] }),
    });
    const result = await judgeOn(server, 'chat').score([item(math, ['a', 'b', 'c'])], signal);
    expect(server.requestsTo('/v1/chat/completions')).toHaveLength(3);
    expect(result.rewards[0]?.stepRewards?.map((x) => Number(Number(x).toFixed(9)))).toEqual([0.1, 0.2, 0.3]);
  });
});
