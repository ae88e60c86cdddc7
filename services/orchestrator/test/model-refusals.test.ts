// A model service that refuses the request itself (its backend does not serve the task, a bad argument) ends the
// search with that error, even when the search already had an answer: the configuration cannot work, and an
// answer from half of it with stop reason model_unavailable hid why (issue 14's math-on-the-embedded-reward).
import { describe, expect, it } from 'vitest';
import { arborV1, type ProposeResponse__Output, type SearchRequest } from '@arbor/contracts';
import { FailedPreconditionError, InvalidArgumentError, UnavailableError } from '@arbor/kit/errors';
import { countdownRequest, silent } from '@arbor/testing';
import { SearchRunner } from '../src/search-runner.js';
import type { ModelTransports } from '../src/transport/types.js';

const usage = { inputTokens: 10, outputTokens: 5, calls: 1, costUsd: 0, computeMs: 1, model: 'fake/policy', estimated: false, cachedInputTokens: 0 };
// Finished trajectories with an answer, so the search has one before the reward is asked.
const proposal: ProposeResponse__Output = {
  candidates: [
    { step: { text: '(10-4)*(13-9) = 24', logprob: -1, tokens: 5 }, terminal: true, answer: '(10-4)*(13-9)' },
    { step: { text: '4*9-10-13+11 = 24', logprob: -2, tokens: 5 }, terminal: true, answer: '4*9-10-13+11' },
  ],
  usage,
  invalidCandidates: 0,
};

function transports(score: () => Promise<never>): Omit<ModelTransports, 'close'> {
  return {
    propose: async () => ({ response: proposal, attempts: 1 }),
    evaluate: async (request) => ({ response: { values: (request.states ?? []).map(() => 0.5), usage }, attempts: 1 }),
    score,
  };
}

const decode = (request: SearchRequest) => {
  const method = arborV1().SearchService.service.Search;
  return method.requestDeserialize(method.requestSerialize(request));
};

describe('a model service that refuses the request', () => {
  it('fails the search with its own error, naming the setting, even with an answer in hand', async () => {
    const refusal = new InvalidArgumentError('problem.task', 'the embedded reward serves "countdown" only, got "math"; for other tasks set ARBOR_REWARD_BACKEND=vllm-prm, openai-judge or math-verify');
    const runner = new SearchRunner({ logger: silent, transports: transports(() => Promise.reject(refusal)) });
    const search = runner.search(decode(countdownRequest('4 9 10 13', { bestOfN: { n: 2 } })));
    await expect(search).rejects.toBe(refusal);
  });

  it('keeps the best answer so far when a model server refuses one request (a 4xx for one long trajectory)', async () => {
    const tooLong = new FailedPreconditionError('reward model server answered 400: the prompt is longer than the context');
    const runner = new SearchRunner({ logger: silent, transports: transports(() => Promise.reject(tooLong)) });
    const result = await runner.search(decode(countdownRequest('4 9 10 13', { bestOfN: { n: 2 } })));
    expect(result.stopReason).toBe('STOP_REASON_MODEL_UNAVAILABLE');
    expect(result.answer).not.toBe('');
  });

  it('passes any refusal on unchanged when the search has no answer yet', async () => {
    const refusal = new FailedPreconditionError('policy model server rejected the request (HTTP 400)');
    const runner = new SearchRunner({
      logger: silent,
      transports: { ...transports(() => Promise.reject(new Error('not reached'))), propose: () => Promise.reject(refusal) },
    });
    await expect(runner.search(decode(countdownRequest('4 9 10 13', { bestOfN: { n: 2 } })))).rejects.toBe(refusal);
  });

  it('still returns the best answer so far when the service is down (an outage, not a refusal)', async () => {
    const runner = new SearchRunner({ logger: silent, transports: transports(() => Promise.reject(new UnavailableError('reward is down'))) });
    const result = await runner.search(decode(countdownRequest('4 9 10 13', { bestOfN: { n: 2 } })));
    expect(result.stopReason).toBe('STOP_REASON_MODEL_UNAVAILABLE');
    expect(result.answer).not.toBe('');
  });
});
