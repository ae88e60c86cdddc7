import { ConfigError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { createRewardBackend } from './backends/index.js';
import { rewardServerLabel, rewardServerSettings } from './backends/model-server.js';
import { readRewardConfig, rewardBatching } from './config.js';

const configError = (env: Record<string, string>): string => {
  try {
    readRewardConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

const prm = { ARBOR_REWARD_BACKEND: 'vllm-prm', ARBOR_REWARD_BASE_URL: 'http://127.0.0.1:8000/v1', ARBOR_REWARD_MODEL: 'Qwen/Qwen2.5-Math-PRM-7B' };

describe('reward config', () => {
  it('defaults to the embedded backend with batching off', () => {
    const config = readRewardConfig({});
    expect(config.ARBOR_REWARD_BACKEND).toBe('embedded');
    expect(config.ARBOR_REWARD_VERIFY_OUTCOME).toBe(false);
    expect(rewardBatching(config)).toEqual({ maxItems: 1, maxWaitMs: 0 });
    expect(rewardBatching(readRewardConfig({ ARBOR_REWARD_BACKEND: 'math-verify' }))).toEqual({ maxItems: 1, maxWaitMs: 0 });
  });

  it('batches 32 trajectories within 2 ms for the model-server backends, unless told otherwise', () => {
    expect(rewardBatching(readRewardConfig(prm))).toEqual({ maxItems: 32, maxWaitMs: 2 });
    expect(rewardBatching(readRewardConfig({ ...prm, ARBOR_REWARD_BATCH_MAX_ITEMS: '64', ARBOR_REWARD_BATCH_MAX_WAIT_MS: '0' }))).toEqual({ maxItems: 64, maxWaitMs: 0 });
  });

  it('names the setting a backend is missing', () => {
    expect(configError({ ARBOR_REWARD_BACKEND: 'vllm-prm', ARBOR_REWARD_BASE_URL: 'http://127.0.0.1:8000/v1' })).toContain(
      'ARBOR_REWARD_MODEL: required when ARBOR_REWARD_BACKEND=vllm-prm',
    );
    expect(configError({ ARBOR_REWARD_BACKEND: 'openai-judge', ARBOR_REWARD_MODEL: 'm' })).toContain(
      'ARBOR_REWARD_BASE_URL: required when ARBOR_REWARD_BACKEND=openai-judge',
    );
    expect(configError({ ...prm, ARBOR_REWARD_PRM_PRESET: 'llama' })).toContain('ARBOR_REWARD_PRM_PRESET');
    expect(configError({ ...prm, ARBOR_REWARD_PRM_POSITIVE_INDEX: '1.5' })).toContain('ARBOR_REWARD_PRM_POSITIVE_INDEX');
    expect(configError({ ...prm, ARBOR_REWARD_PRM_POSITIVE_INDEX: '2' })).toContain('ARBOR_REWARD_PRM_POSITIVE_INDEX: expected a number between 0 and 1');
    expect(configError({ ARBOR_REWARD_VERIFY_OUTCOME: 'maybe' })).toContain('ARBOR_REWARD_VERIFY_OUTCOME');
    // math-verify needs no model server.
    expect(readRewardConfig({ ARBOR_REWARD_BACKEND: 'math-verify' }).ARBOR_REWARD_BACKEND).toBe('math-verify');
  });

  it('reads the API key from the variable it names, and says when that variable is missing', () => {
    expect(readRewardConfig({ ...prm, ARBOR_REWARD_API_KEY_ENV: 'PRM_KEY', PRM_KEY: 'sk-2' }).apiKey()).toBe('sk-2');
    const message = configError({ ...prm, ARBOR_REWARD_API_KEY_ENV: 'PRM_KEY' });
    expect(message).toBe('ARBOR_REWARD_API_KEY_ENV: names PRM_KEY, which is unset or empty');
  });

  it('refuses a key pasted where its variable name belongs, without quoting it', () => {
    expect(configError({ ...prm, ARBOR_REWARD_API_KEY_ENV: 'sk-proj-SECRET' })).toBe(
      'ARBOR_REWARD_API_KEY_ENV: expected the name of the variable holding the API key (letters, digits, _), not the key',
    );
    const both = configError({ ...prm, ARBOR_REWARD_API_KEY_ENV: 'sk-proj-SECRET', ARBOR_REWARD_HTTP_MAX_ATTEMPTS: 'many' });
    expect(both).toContain('ARBOR_REWARD_HTTP_MAX_ATTEMPTS');
    expect(both).not.toContain('SECRET');
  });

  it('refuses a base URL with credentials, without quoting them', () => {
    expect(configError({ ...prm, ARBOR_REWARD_BASE_URL: 'http://prm:sk-SECRET@127.0.0.1:8000/v1' })).toBe(
      'invalid configuration: ARBOR_REWARD_BASE_URL: must not hold credentials; put the key in the variable ARBOR_REWARD_API_KEY_ENV names',
    );
  });

  it('names the server by origin and path only, never userinfo or a query string', () => {
    expect(rewardServerLabel('https://prm:sk-SECRET@models.example/v1?api-key=sk-SECRET')).toBe('reward model server at https://models.example/v1');
    expect(rewardServerLabel('http://127.0.0.1:8000/')).toBe('reward model server at http://127.0.0.1:8000');
  });

  it('picks the PRM preset and its overrides', () => {
    expect(rewardServerSettings(readRewardConfig(prm)).prm).toMatchObject({ preset: 'qwen2.5-math-prm', stepTag: '<extra_0>', positiveIndex: 1 });
    const shepherd = rewardServerSettings(readRewardConfig({ ...prm, ARBOR_REWARD_PRM_PRESET: 'math-shepherd' })).prm;
    expect(shepherd).toMatchObject({ stepTag: 'ки', route: 'next-token' });
    const custom = rewardServerSettings(readRewardConfig({ ...prm, ARBOR_REWARD_PRM_STEP_TAG: '<step>', ARBOR_REWARD_PRM_POSITIVE_INDEX: '0' })).prm;
    expect(custom).toMatchObject({ stepTag: '<step>', positiveIndex: 0 });
  });

  it('reads Math-Shepherd on its + and - tokens, so a positive index does not apply to it', () => {
    expect(configError({ ...prm, ARBOR_REWARD_PRM_PRESET: 'math-shepherd', ARBOR_REWARD_PRM_POSITIVE_INDEX: '0' })).toBe(
      'ARBOR_REWARD_PRM_POSITIVE_INDEX: the math-shepherd preset reads the "+" and "-" tokens the model says after each step, not a row of labels; leave it unset',
    );
  });

  it('checks the PRM label order unless told not to, and asks the server its kind unless told', () => {
    const config = readRewardConfig(prm);
    expect(config.ARBOR_REWARD_PRM_LABEL_CHECK).toBe(true);
    expect(config.ARBOR_REWARD_SERVER).toBe('auto');
    expect(config.ARBOR_REWARD_API).toBeUndefined();
    expect(readRewardConfig({ ...prm, ARBOR_REWARD_PRM_LABEL_CHECK: 'false' }).ARBOR_REWARD_PRM_LABEL_CHECK).toBe(false);
    expect(configError({ ...prm, ARBOR_REWARD_SERVER: 'tgi' })).toContain('ARBOR_REWARD_SERVER: expected one of auto, vllm, sglang, llama.cpp, ollama, openai, other');
  });

  it('builds each backend by name, wrapped when the outcome is verified', () => {
    expect(createRewardBackend(readRewardConfig(prm)).name).toBe('vllm-prm');
    expect(createRewardBackend(readRewardConfig({ ...prm, ARBOR_REWARD_BACKEND: 'openai-judge' })).name).toBe('openai-judge');
    expect(createRewardBackend(readRewardConfig({ ARBOR_REWARD_BACKEND: 'math-verify', ARBOR_REWARD_VERIFY_OUTCOME: 'true' })).name).toBe('math-verify');
  });
});
