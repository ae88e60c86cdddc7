// The config files of examples/config (the README's recipes as ARBOR_CONFIG_FILE files): every name is one an
// Arbor process reads, and each model service accepts its settings and builds the backend they name.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { arborV1, type SearchRequest__Output } from '@arbor/contracts';
import { buildSearchRequest, loadPresets, parseQuestion } from '@arbor/gateway';
import { algorithmFromRequest, budgetFromRequest, DEFAULT_BUDGET_LIMITS } from '@arbor/orchestrator';
import { createPolicyBackend, readPolicyConfig } from '@arbor/policy';
import { createRewardBackend, readRewardConfig } from '@arbor/reward';
import { createValueBackend, readValueConfig } from '@arbor/value';
import { checkConfigFileNames } from '../src/cli/config-file.js';

const DIR = fileURLToPath(new URL('../../../examples/config/', import.meta.url));
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));

describe('examples/config', () => {
  it('holds the three recipes', () => {
    expect(FILES.sort()).toEqual(['ollama.json', 'openai.json', 'vllm.json']);
  });

  it.each(FILES)('%s names only Arbor settings, and every service starts on it', (file) => {
    const path = join(DIR, file);
    const settings = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    // The key itself comes from the environment, as it should in real use.
    const env = { ARBOR_CONFIG_FILE: path, OPENAI_API_KEY: 'sk-test' };
    expect(() => checkConfigFileNames(env)).not.toThrow();
    expect(createPolicyBackend(readPolicyConfig(env)).name).toBe(settings.ARBOR_POLICY_BACKEND ?? 'embedded');
    expect(createValueBackend(readValueConfig(env)).name).toBe(settings.ARBOR_VALUE_BACKEND ?? 'embedded');
    expect(createRewardBackend(readRewardConfig(env)).name).toBe(settings.ARBOR_REWARD_BACKEND ?? 'embedded');
  });
});

describe('examples/gateway', () => {
  const dir = fileURLToPath(new URL('../../../examples/gateway/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it.each(files)('%s holds presets whose searches the orchestrator takes as they are', (file) => {
    const presets = loadPresets(join(dir, file));
    expect(presets.length).toBeGreaterThan(0);
    const codec = arborV1().SearchService.service.Search;
    for (const preset of presets) {
      const request = buildSearchRequest(preset, {}, parseQuestion(preset.task, 'What is 1/2 + 1/3?'));
      // Through the wire codec, as the orchestrator receives it.
      const received = codec.requestDeserialize(codec.requestSerialize(request)) as SearchRequest__Output;
      expect(received.problem?.task).toBe('math');
      expect(() => algorithmFromRequest(received)).not.toThrow();
      expect(() => budgetFromRequest(received.budget, DEFAULT_BUDGET_LIMITS)).not.toThrow();
    }
  });
});
