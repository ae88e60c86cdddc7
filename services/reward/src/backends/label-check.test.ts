import type { Problem__Output } from '@arbor/contracts';
import { FailedPreconditionError, UnavailableError } from '@arbor/kit/errors';
import { capturingLogger, errorReply, judgeReply, qwenPrmRows, silent, startFakeModelServerForTest, type FakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { RewardItem } from '../backend.js';
import { readRewardConfig } from '../config.js';
import { createRewardService } from '../service.js';
import { createRewardBackend } from './index.js';
import { LABEL_CHECK_PAIRS } from './label-check.js';

const signal = new AbortController().signal;
const math: Problem__Output = { task: 'math', id: 'm', question: 'What is 6 times 7?', params: { reference: '42' } };
const item = (steps: string[]): RewardItem => ({ problem: math, trajectory: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) } });

/** A step the fake model takes for wrong: the probes' wrong answers, or any step saying "wrong". */
const WRONG = /= (48|15)\b|wrong/;

/** Qwen2.5-Math-PRM rows [p_wrong, p_right] per step, right or wrong by WRONG. */
const qwenRows = (options: { swap?: boolean; flat?: number } = {}) => qwenPrmRows({ ...options, wrong: WRONG });

const prmEnv = (server: FakeModelServer, extra: Record<string, string> = {}) => ({
  ARBOR_REWARD_BACKEND: 'vllm-prm',
  ARBOR_REWARD_BASE_URL: server.baseUrl,
  ARBOR_REWARD_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B',
  ARBOR_REWARD_HTTP_MAX_ATTEMPTS: '1',
  ...extra,
});

const backendOn = (server: FakeModelServer, extra: Record<string, string> = {}) => createRewardBackend(readRewardConfig(prmEnv(server, extra)));

describe('PRM label-order check', () => {
  it('scores two fixed known-correct and known-wrong steps once, then serves', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows() });
    const log = capturingLogger('reward');
    const backend = backendOn(server);
    await backend.start?.(log.logger, signal);
    const [probe] = server.requestsTo('/pooling');
    expect(server.requestsTo('/pooling')).toHaveLength(1);
    // Fixed texts only: no caller's problem or steps.
    expect((probe?.body.input as string[]).map((t) => t.slice(t.indexOf('<|im_start|>user'))).join('')).not.toContain('reference');
    expect(probe?.body.input).toHaveLength(2 * LABEL_CHECK_PAIRS.length);
    expect(log.at('info').map((l) => l.msg)).toContain('process reward model passed the label-order check');
    const result = await backend.score([item(['6 * 7 = 42', 'so wrong'])], signal);
    expect(result.rewards[0]?.stepRewards).toEqual([0.95, 0.05]);
    expect(server.requestsTo('/pooling')).toHaveLength(2);
  });

  it('refuses to serve when the labels come out reversed, naming the positive index and the setting that skips the check', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows({ swap: true }) });
    const backend = backendOn(server);
    const refused = await backend.start?.(silent, signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FailedPreconditionError);
    expect((refused as Error).message).toBe(
      'the process reward model failed the label-order check (correct vs wrong step: 0.050 vs 0.950, 0.050 vs 0.950): ' +
        'a known-wrong step scored above a known-correct one; the positive label is probably the other column: check ' +
        'ARBOR_REWARD_PRM_POSITIVE_INDEX (reading 1). Set ARBOR_REWARD_PRM_LABEL_CHECK=false to serve a model this check cannot read',
    );
    // Every call after it fails alike, without asking the server again.
    await expect(backend.score([item(['6 * 7 = 42'])], signal)).rejects.toThrow(/label-order check/);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('refuses rows that do not tell right from wrong (the same scores for both)', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows({ flat: 0.5 }) });
    const backend = backendOn(server);
    // In process nothing calls start(): the first call runs the check.
    const refused = await backend.score([item(['6 * 7 = 42'])], signal).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FailedPreconditionError);
    expect((refused as Error).message).toContain('known-correct steps did not score at least 0.1 above known-wrong ones');
    expect((refused as Error).message).toContain('check ARBOR_REWARD_PRM_PRESET (qwen2.5-math-prm)');
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('checks Math-Shepherd the same way, on its + and - tokens', async () => {
    // A model whose + and - mean the opposite of what the preset reads: a wrong step gets the likelier +.
    const server = await startFakeModelServerForTest({
      '/v1/completions': (req) =>
        judgeReply({ api: 'completions', top: (req.body.prompt as string[]).map((t) => (WRONG.test(t) ? { ' +': Math.log(0.9), ' -': Math.log(0.1) } : { ' +': Math.log(0.2), ' -': Math.log(0.8) })) }),
    });
    const backend = backendOn(server, { ARBOR_REWARD_PRM_PRESET: 'math-shepherd', ARBOR_REWARD_MODEL: 'peiyi9979/math-shepherd-mistral-7b-prm', ARBOR_REWARD_SERVER: 'vllm' });
    const refused = await backend.start?.(silent, signal).catch((e: unknown) => e);
    expect((refused as Error).message).toContain('a known-wrong step scored above a known-correct one; check ARBOR_REWARD_PRM_PRESET (math-shepherd) against ARBOR_REWARD_MODEL');
  });

  it('serves when the model server is not up at start, and checks before the first call is answered', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows() });
    server.enqueue('/pooling', errorReply(503, 'loading'), errorReply(503, 'loading'));
    const log = capturingLogger('reward');
    const backend = backendOn(server);
    await backend.start?.(log.logger, signal);
    expect(log.at('warn').map((l) => l.msg)).toEqual(['could not run the label-order check yet (reward model server unreachable); running it before the first call']);
    // Still down for the first call: it fails UNAVAILABLE, and the next call checks again.
    await expect(backend.score([item(['6 * 7 = 42'])], signal)).rejects.toBeInstanceOf(UnavailableError);
    const result = await backend.score([item(['6 * 7 = 42'])], signal);
    expect(result.rewards[0]?.stepRewards).toEqual([0.95]);
    // Two refused probes, the probe that passed, and the call.
    expect(server.requestsTo('/pooling')).toHaveLength(4);
  });

  it('is skipped with ARBOR_REWARD_PRM_LABEL_CHECK=false', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows({ swap: true }) });
    const backend = backendOn(server, { ARBOR_REWARD_PRM_LABEL_CHECK: 'false' });
    await backend.start?.(silent, signal);
    expect(Number((await backend.score([item(['6 * 7 = 42'])], signal)).rewards[0]?.stepRewards?.[0])).toBeCloseTo(0.05, 12);
    expect(server.requestsTo('/pooling')).toHaveLength(1);
  });

  it('stops a served reward service before it listens', async () => {
    const server = await startFakeModelServerForTest({ '/pooling': qwenRows({ swap: true }) });
    const service = createRewardService({ ...prmEnv(server), ARBOR_REWARD_LISTEN: '127.0.0.1:0' });
    await expect(service.serve({ logger: silent, graceMs: 0 })).rejects.toThrow(/label-order check.*ARBOR_REWARD_PRM_LABEL_CHECK=false/);
  });
});
