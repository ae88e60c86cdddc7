import { ConfigError } from '@arbor/kit';
import { completionsReply, startFakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { createPolicyBackend } from './backends/index.js';
import { openAiSettingsFromConfig } from './backends/openai/settings.js';
import { mathRequest, signal } from './backends/openai/test-support.js';
import { readPolicyConfig } from './config.js';

const OPENAI = { ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_BASE_URL: 'http://127.0.0.1:8000/v1', ARBOR_POLICY_MODEL: 'Qwen/Qwen2.5-Math-7B-Instruct' };

/** The message of the ConfigError that reading `env` throws. */
function configError(env: Record<string, string>): string {
  try {
    readPolicyConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('policy config for the openai backend', () => {
  it('has the documented defaults', () => {
    const settings = openAiSettingsFromConfig(readPolicyConfig(OPENAI));
    expect(settings).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1',
      servers: { baseUrls: ['http://127.0.0.1:8000/v1'], routing: 'prefix', loadFactor: 1.25, resolveEveryMs: 0 },
      model: 'Qwen/Qwen2.5-Math-7B-Instruct',
      api: 'completions',
      server: 'other',
      reasoning: false,
      reasoningEffort: '',
      chatContinue: false,
      chatPrefix: 'auto',
      temperature: 0.7,
      topP: 1,
      maxTokens: 256,
      logprobs: true,
      maxN: 64,
      timeoutMs: 60_000,
      maxAttempts: 3,
      systemPrompt: '',
    });
  });

  it('reads every setting', () => {
    const config = readPolicyConfig({
      ...OPENAI,
      ARBOR_POLICY_API: 'chat',
      ARBOR_POLICY_SERVER: 'vllm',
      ARBOR_POLICY_CHAT_CONTINUE: 'true',
      ARBOR_POLICY_CHAT_PREFIX: 'open',
      ARBOR_POLICY_TEMPERATURE: '0',
      ARBOR_POLICY_TOP_P: '0.95',
      ARBOR_POLICY_MAX_TOKENS: '512',
      ARBOR_POLICY_LOGPROBS: 'false',
      ARBOR_POLICY_MAX_N: '1',
      ARBOR_POLICY_HTTP_TIMEOUT_MS: '1500',
      ARBOR_POLICY_HTTP_MAX_ATTEMPTS: '5',
      ARBOR_POLICY_SYSTEM_PROMPT: 'Be brief.',
      ARBOR_POLICY_BASE_URL: 'http://127.0.0.1:8000/v1, http://127.0.0.1:8001/v1',
      ARBOR_POLICY_ROUTING: 'round_robin',
      ARBOR_POLICY_ROUTING_LOAD_FACTOR: '1.5',
      ARBOR_POLICY_API_KEY_ENV: 'MY_KEY',
      MY_KEY: 'sk-test',
    });
    expect(openAiSettingsFromConfig(config)).toEqual({
      baseUrl: 'http://127.0.0.1:8000/v1',
      servers: { baseUrls: ['http://127.0.0.1:8000/v1', 'http://127.0.0.1:8001/v1'], routing: 'round_robin', loadFactor: 1.5, resolveEveryMs: 0 },
      model: 'Qwen/Qwen2.5-Math-7B-Instruct',
      apiKey: 'sk-test',
      api: 'chat',
      server: 'vllm',
      reasoning: false,
      reasoningEffort: '',
      chatContinue: true,
      chatPrefix: 'open',
      temperature: 0,
      topP: 0.95,
      maxTokens: 512,
      logprobs: false,
      maxN: 1,
      timeoutMs: 1500,
      maxAttempts: 5,
      systemPrompt: 'Be brief.',
    });
    // The key is behind a function, so a logged or serialised config never shows it.
    expect(JSON.stringify(config)).not.toContain('sk-test');
  });

  it('looks one http host name up again, at most once a second, and refuses what it cannot do so', () => {
    const settings = openAiSettingsFromConfig(readPolicyConfig({ ...OPENAI, ARBOR_POLICY_RESOLVE_EVERY_MS: '10000' }));
    expect(settings.servers).toMatchObject({ baseUrls: ['http://127.0.0.1:8000/v1'], resolveEveryMs: 10_000 });
    expect(configError({ ...OPENAI, ARBOR_POLICY_RESOLVE_EVERY_MS: '5' })).toContain('ARBOR_POLICY_RESOLVE_EVERY_MS: 0 (off) or at least 1000, got 5');
    expect(configError({ ...OPENAI, ARBOR_POLICY_BASE_URL: 'http://a:8000/v1,http://b:8000/v1', ARBOR_POLICY_RESOLVE_EVERY_MS: '5000' })).toContain('give one URL');
    expect(configError({ ...OPENAI, ARBOR_POLICY_BASE_URL: 'https://vllm:8000/v1', ARBOR_POLICY_RESOLVE_EVERY_MS: '5000' })).toContain('needs an http:// base URL');
    // A list of nothing but commas is no server at all.
    expect(configError({ ...OPENAI, ARBOR_POLICY_BASE_URL: ' , ' })).toContain('ARBOR_POLICY_BASE_URL: required');
    // A list with a bad entry is refused without quoting it: another entry may hold credentials.
    const bad = configError({ ...OPENAI, ARBOR_POLICY_BASE_URL: 'http://u:pw@gpu-0:8000/v1,gpu-1:8000/v1' });
    expect(bad).toContain('ARBOR_POLICY_BASE_URL');
    expect(bad).not.toContain('pw');
  });

  it('stops at start, naming the setting, when the openai backend lacks what it needs', () => {
    expect(configError({ ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_MODEL: 'm' })).toContain(
      'ARBOR_POLICY_BASE_URL: required when ARBOR_POLICY_BACKEND=openai',
    );
    expect(configError({ ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_BASE_URL: 'http://h:1/v1' })).toContain(
      'ARBOR_POLICY_MODEL: required when ARBOR_POLICY_BACKEND=openai',
    );
    const both = configError({ ARBOR_POLICY_BACKEND: 'openai' });
    expect(both).toContain('ARBOR_POLICY_BASE_URL');
    expect(both).toContain('ARBOR_POLICY_MODEL');
  });

  it('names both variables when the API key variable is unset or empty', () => {
    for (const env of [{ ...OPENAI, ARBOR_POLICY_API_KEY_ENV: 'VLLM_KEY' }, { ...OPENAI, ARBOR_POLICY_API_KEY_ENV: 'VLLM_KEY', VLLM_KEY: '' }]) {
      const message = configError(env);
      expect(message).toContain('ARBOR_POLICY_API_KEY_ENV');
      expect(message).toContain('VLLM_KEY');
    }
    // A key pasted where its variable's name belongs is refused, and not echoed back.
    const pasted = configError({ ...OPENAI, ARBOR_POLICY_API_KEY_ENV: 'sk-abc-123' });
    expect(pasted).toContain('ARBOR_POLICY_API_KEY_ENV');
    expect(pasted).not.toContain('sk-abc-123');
  });

  it('refuses a base URL with credentials, without quoting them', () => {
    expect(configError({ ...OPENAI, ARBOR_POLICY_BASE_URL: 'https://me:sk-SECRET@api.example/v1' })).toBe(
      'invalid configuration: ARBOR_POLICY_BASE_URL: must not hold credentials; put the key in the variable ARBOR_POLICY_API_KEY_ENV names',
    );
  });

  it.each([
    ['ARBOR_POLICY_BASE_URL', 'localhost:8000'],
    ['ARBOR_POLICY_BASE_URL', 'ftp://models/v1'],
    ['ARBOR_POLICY_API', 'responses'],
    ['ARBOR_POLICY_CHAT_CONTINUE', 'maybe'],
    ['ARBOR_POLICY_TEMPERATURE', '3'],
    ['ARBOR_POLICY_TOP_P', '0'],
    ['ARBOR_POLICY_TOP_P', '1.5'],
    ['ARBOR_POLICY_MAX_TOKENS', '0'],
    ['ARBOR_POLICY_LOGPROBS', 'sometimes'],
    ['ARBOR_POLICY_MAX_N', '0'],
    ['ARBOR_POLICY_MAX_N', '65'],
    ['ARBOR_POLICY_HTTP_TIMEOUT_MS', '-1'],
    ['ARBOR_POLICY_HTTP_MAX_ATTEMPTS', '0'],
    ['ARBOR_POLICY_SERVER', 'tgi'],
    ['ARBOR_POLICY_REASONING', 'maybe'],
    ['ARBOR_POLICY_REASONING_EFFORT', 'extreme'],
    ['ARBOR_POLICY_CHAT_PREFIX', 'half'],
  ])('refuses %s=%s, naming it', (name, value) => {
    expect(configError({ ...OPENAI, [name]: value })).toContain(name);
  });

  it('resolves the server kind from the URL and a reasoning model from its name, unless set', () => {
    const settings = (env: Record<string, string>) => openAiSettingsFromConfig(readPolicyConfig({ ...OPENAI, ...env }));
    const openai = { ARBOR_POLICY_BASE_URL: 'https://api.openai.com/v1', ARBOR_POLICY_API: 'chat' };
    expect(settings(openai)).toMatchObject({ server: 'openai', reasoning: false });
    expect(settings({ ARBOR_POLICY_BASE_URL: 'https://arbor-east.openai.azure.com/openai/v1' }).server).toBe('openai');
    for (const model of ['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini', 'gpt-5.1']) {
      expect(settings({ ...openai, ARBOR_POLICY_MODEL: model }).reasoning, model).toBe(true);
    }
    for (const model of ['gpt-4o-mini', 'gpt-5-chat-latest', 'omni-moderation-latest']) {
      expect(settings({ ...openai, ARBOR_POLICY_MODEL: model }).reasoning, model).toBe(false);
    }
    // Elsewhere a model's name says nothing: vLLM serving an "o1"-named model is not OpenAI's.
    expect(settings({ ARBOR_POLICY_API: 'chat', ARBOR_POLICY_MODEL: 'o1' })).toMatchObject({ server: 'other', reasoning: false });
    expect(settings({ ARBOR_POLICY_API: 'chat', ARBOR_POLICY_SERVER: 'sglang', ARBOR_POLICY_REASONING: 'true', ARBOR_POLICY_REASONING_EFFORT: 'low' })).toMatchObject({
      server: 'sglang',
      reasoning: true,
      reasoningEffort: 'low',
    });
  });

  it('stops at start on settings the server or a reasoning model cannot honour, naming them', () => {
    const openai = { ...OPENAI, ARBOR_POLICY_BASE_URL: 'https://api.openai.com/v1', ARBOR_POLICY_API: 'chat' };
    expect(configError({ ...openai, ARBOR_POLICY_CHAT_CONTINUE: 'true' })).toContain('ARBOR_POLICY_CHAT_CONTINUE: OpenAI cannot continue an assistant message');
    expect(configError({ ...openai, ARBOR_POLICY_MODEL: 'o3-mini', ARBOR_POLICY_API: 'completions' })).toContain('ARBOR_POLICY_API: reasoning models');
    expect(configError({ ...OPENAI, ARBOR_POLICY_API: 'chat', ARBOR_POLICY_REASONING: 'true', ARBOR_POLICY_CHAT_CONTINUE: 'true' })).toContain('ARBOR_POLICY_CHAT_CONTINUE: a reasoning model');
    expect(configError({ ...openai, ARBOR_POLICY_REASONING_EFFORT: 'low' })).toContain('ARBOR_POLICY_REASONING_EFFORT: only sent to reasoning models');
    expect(configError({ ...OPENAI, ARBOR_POLICY_SERVER: 'sglang', ARBOR_POLICY_CHAT_PREFIX: 'open' })).toContain('ARBOR_POLICY_CHAT_PREFIX: open relies on vLLM');
    expect(() => readPolicyConfig({ ...openai, ARBOR_POLICY_MODEL: 'o3-mini', ARBOR_POLICY_REASONING_EFFORT: 'low' })).not.toThrow();
  });

  it('leaves the embedded backend alone whatever the openai settings say', () => {
    const config = readPolicyConfig({ ARBOR_POLICY_API_KEY_ENV: 'NOT_SET_ANYWHERE' });
    expect(config.ARBOR_POLICY_BACKEND).toBe('embedded');
    expect(createPolicyBackend(config).name).toBe('embedded');
  });

  it('builds the openai backend, which sends the key from the named variable', async () => {
    const server = await startFakeModelServer({ '/v1/completions': () => completionsReply({ choices: [{ text: 'A step.' }] }) });
    try {
      const backend = createPolicyBackend(
        readPolicyConfig({ ...OPENAI, ARBOR_POLICY_BASE_URL: server.baseUrl, ARBOR_POLICY_API_KEY_ENV: 'ARBOR_TEST_KEY', ARBOR_TEST_KEY: 'sk-from-env' }),
      );
      expect(backend.name).toBe('openai');
      await backend.propose(mathRequest('What is 1 + 1?'), signal);
      const [sent] = server.requestsTo('/v1/completions');
      expect(sent?.headers.authorization).toBe('Bearer sk-from-env');
      expect(sent?.body.model).toBe('Qwen/Qwen2.5-Math-7B-Instruct');
    } finally {
      await server.close();
    }
  });
});
