import { ConfigError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { valueServerLabel } from './backends/model-server.js';
import { readValueConfig, valueBatching } from './config.js';

const configError = (env: Record<string, string>): string => {
  try {
    readValueConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('value config', () => {
  it('defaults to the embedded backend with batching off', () => {
    const config = readValueConfig({});
    expect(config.ARBOR_VALUE_BACKEND).toBe('embedded');
    expect(valueBatching(config)).toEqual({ maxItems: 1, maxWaitMs: 0 });
    expect(config.apiKey()).toBeUndefined();
  });

  it('batches 32 states within 2 ms for the model-server backends, unless told otherwise', () => {
    const http = { ARBOR_VALUE_BACKEND: 'http', ARBOR_VALUE_BASE_URL: 'http://127.0.0.1:9000/value' };
    expect(valueBatching(readValueConfig(http))).toEqual({ maxItems: 32, maxWaitMs: 2 });
    expect(valueBatching(readValueConfig({ ...http, ARBOR_VALUE_BATCH_MAX_ITEMS: '8', ARBOR_VALUE_BATCH_MAX_WAIT_MS: '5' }))).toEqual({ maxItems: 8, maxWaitMs: 5 });
    expect(valueBatching(readValueConfig({ ARBOR_VALUE_BATCH_MAX_ITEMS: '16' }))).toEqual({ maxItems: 16, maxWaitMs: 0 });
  });

  it('names the setting a backend is missing', () => {
    expect(configError({ ARBOR_VALUE_BACKEND: 'openai-judge', ARBOR_VALUE_BASE_URL: 'http://127.0.0.1:8000/v1' })).toContain(
      'ARBOR_VALUE_MODEL: required when ARBOR_VALUE_BACKEND=openai-judge',
    );
    expect(configError({ ARBOR_VALUE_BACKEND: 'http' })).toContain('ARBOR_VALUE_BASE_URL: required when ARBOR_VALUE_BACKEND=http');
    expect(configError({ ARBOR_VALUE_BACKEND: 'nope' })).toContain('ARBOR_VALUE_BACKEND');
    expect(configError({ ARBOR_VALUE_BATCH_MAX_ITEMS: '0' })).toContain('ARBOR_VALUE_BATCH_MAX_ITEMS');
    expect(configError({ ARBOR_VALUE_BATCH_MAX_ITEMS: '2.5' })).toContain('ARBOR_VALUE_BATCH_MAX_ITEMS: expected an integer');
  });

  it('reads the API key from the variable it names, and says when that variable is missing', () => {
    const judge = { ARBOR_VALUE_BACKEND: 'openai-judge', ARBOR_VALUE_BASE_URL: 'http://127.0.0.1:8000/v1', ARBOR_VALUE_MODEL: 'm' };
    expect(readValueConfig({ ...judge, ARBOR_VALUE_API_KEY_ENV: 'JUDGE_KEY', JUDGE_KEY: 'sk-1' }).apiKey()).toBe('sk-1');
    const message = configError({ ...judge, ARBOR_VALUE_API_KEY_ENV: 'JUDGE_KEY' });
    expect(message).toContain('ARBOR_VALUE_API_KEY_ENV');
    expect(message).toContain('JUDGE_KEY');
    // The key never shows in the config object itself.
    expect(JSON.stringify(readValueConfig({ ...judge, ARBOR_VALUE_API_KEY_ENV: 'JUDGE_KEY', JUDGE_KEY: 'sk-1' }))).not.toContain('sk-1');
  });

  it('refuses a key pasted where its variable name belongs, without quoting it', () => {
    const judge = { ARBOR_VALUE_BACKEND: 'openai-judge', ARBOR_VALUE_BASE_URL: 'http://127.0.0.1:8000/v1', ARBOR_VALUE_MODEL: 'm' };
    expect(configError({ ...judge, ARBOR_VALUE_API_KEY_ENV: 'sk-proj-SECRET' })).toBe(
      'ARBOR_VALUE_API_KEY_ENV: expected the name of the variable holding the API key (letters, digits, _), not the key',
    );
    // Nor when another setting fails the first pass, where readConfig quotes bad values.
    const both = configError({ ...judge, ARBOR_VALUE_API_KEY_ENV: 'sk-proj-SECRET', ARBOR_VALUE_HTTP_TIMEOUT_MS: 'soon' });
    expect(both).toContain('ARBOR_VALUE_HTTP_TIMEOUT_MS');
    expect(both).not.toContain('SECRET');
  });

  it('names the server by origin and path only, never userinfo or a query string', () => {
    expect(valueServerLabel('https://v:sk-SECRET@heads.example/value?api-key=sk-SECRET')).toBe('value model server at https://heads.example/value');
  });

  it('refuses a base URL with credentials, without quoting them', () => {
    const message = configError({ ARBOR_VALUE_BACKEND: 'http', ARBOR_VALUE_BASE_URL: 'https://user:sk-SECRET@heads.example/value' });
    expect(message).toBe(
      'invalid configuration: ARBOR_VALUE_BASE_URL: must not hold credentials; put the key in the variable ARBOR_VALUE_API_KEY_ENV names',
    );
  });
});
