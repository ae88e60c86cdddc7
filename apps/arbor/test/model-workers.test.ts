// The embedded model services on worker threads, as `arbor serve` runs them: the same answers as on the main
// thread, byte for byte, and domain errors that keep their status and message.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1 } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { createPolicyService } from '@arbor/policy';
import { createRewardService } from '@arbor/reward';
import { silent } from '@arbor/testing';
import { startModelWorkers, type ModelWorkers } from '../src/compose/model-workers.js';

const v1 = arborV1();
const problem = { task: 'countdown', question: '4 9 10 13', params: { target: '24' } };
let workers: ModelWorkers;
const live = new AbortController().signal;

beforeAll(() => {
  workers = startModelWorkers({ ARBOR_POLICY_SLIP_RATE: '0' }, ['policy', 'reward'], 1, silent);
});
afterAll(async () => {
  await workers?.close();
});

describe('model workers', () => {
  it('answer Propose as the handler on the main thread does (the same candidates, the same tokens)', async () => {
    const method = v1.PolicyService.service.Propose;
    const request = { problem, numCandidates: 6, sampling: { seed: '7' }, callId: 'propose-0' };
    const onWorker = method.responseDeserialize(Buffer.from(await workers.handlers.policy!.call(method.requestSerialize(request), live)));
    const here = await createPolicyService({ ARBOR_POLICY_SLIP_RATE: '0' }).handler.propose(
      method.requestDeserialize(method.requestSerialize(request)),
      new AbortController().signal,
    );
    const expected = method.responseDeserialize(method.responseSerialize(here));
    expect(onWorker.candidates).toHaveLength(6);
    expect(onWorker.candidates).toEqual(expected.candidates);
    // compute_ms is measured where the handler runs; everything else matches.
    expect({ ...onWorker.usage, computeMs: 0 }).toEqual({ ...expected.usage, computeMs: 0 });
  });

  it('score trajectories on the worker', async () => {
    const method = v1.RewardService.service.Score;
    const trajectory = { steps: [{ text: '13 - 10 = 3 (left: 3 4 9)', logprob: 0, tokens: 8 }] };
    const reply = method.responseDeserialize(
      Buffer.from(await workers.handlers.reward!.call(method.requestSerialize({ problem, trajectories: [trajectory], callId: 'score-0' }), live)),
    );
    expect(reply.rewards[0]?.stepRewards).toEqual([1]);
    expect(createRewardService({}).name).toBe('reward');
  });

  it('throw a domain error with its status and message, and keep serving', async () => {
    const method = v1.PolicyService.service.Propose;
    const bad = workers.handlers.policy!.call(method.requestSerialize({ problem, numCandidates: 0 }), live);
    await expect(bad).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(bad).rejects.toThrow(/^num_candidates: must be between 1 and 64, got 0$/);
    const good = await workers.handlers.policy!.call(method.requestSerialize({ problem, numCandidates: 1 }), live);
    expect(method.responseDeserialize(Buffer.from(good)).candidates).toHaveLength(1);
  });

  it('start no call whose search has stopped waiting', async () => {
    const method = v1.PolicyService.service.Propose;
    await expect(workers.handlers.policy!.call(method.requestSerialize({ problem, numCandidates: 1 }), AbortSignal.abort())).rejects.toThrow(
      'model call aborted before it started',
    );
  });
});
