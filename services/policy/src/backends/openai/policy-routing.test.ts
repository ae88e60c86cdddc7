// Several model servers behind one policy service (ARBOR_POLICY_BASE_URL a list), against two fake vLLM servers
// on real HTTP: a node's expansions go to the server that expanded its parent, where its prompt's prefix is
// cached; another problem's tree goes to the other server; round_robin alternates whatever the prompt.
import { emulatedServerRoutes, PrefixCacheModel, prefixCachedRoutes, startFakeModelServerForTest } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { readPolicyConfig } from '../../config.js';
import { createPolicyBackend } from '../index.js';
import { mathRequest, signal } from './test-support.js';

async function twoServers() {
  return Promise.all([0, 1].map(() => startFakeModelServerForTest(emulatedServerRoutes('vllm'))));
}

function policyOver(urls: string[], routing = 'prefix') {
  return createPolicyBackend(
    readPolicyConfig({
      ARBOR_POLICY_BACKEND: 'openai',
      ARBOR_POLICY_BASE_URL: urls.join(','),
      ARBOR_POLICY_MODEL: 'fake-model',
      ARBOR_POLICY_SERVER: 'vllm',
      ARBOR_POLICY_ROUTING: routing,
      ARBOR_POLICY_HTTP_MAX_ATTEMPTS: '1',
    }),
  );
}

// Long enough that the prompt spans several prefix blocks, as real math prompts do.
const QUESTION = `A train leaves at noon and travels ${'steadily across the plain, '.repeat(40)}how far has it gone by three?`;

describe('prefix-aware routing over several policy model servers', () => {
  it('a node and its children go to one server; another problem to the other', async () => {
    const servers = await twoServers();
    const policy = policyOver(servers.map((s) => s.baseUrl));
    await policy.propose(mathRequest(QUESTION, [], 1), signal);
    await policy.propose(mathRequest(QUESTION, ['First, 3 hours pass.'], 1), signal);
    await policy.propose(mathRequest(QUESTION, ['First, 3 hours pass.', 'Then 60 km/h times 3.'], 1), signal);
    const counts = servers.map((s) => s.requestsTo('/v1/completions').length);
    expect(counts.sort()).toEqual([0, 3]);
    await policy.propose(mathRequest(`Another question entirely: ${'a long preamble, '.repeat(60)}what is 6 * 7?`, [], 1), signal);
    expect(servers.map((s) => s.requestsTo('/v1/completions').length).sort()).toEqual([1, 3]);
  });

  it('round_robin alternates the same prompts between the servers, for comparison', async () => {
    const servers = await twoServers();
    const policy = policyOver(servers.map((s) => s.baseUrl), 'round_robin');
    for (const steps of [[], ['First, 3 hours pass.'], ['First, 3 hours pass.', 'Then 60 km/h times 3.'], ['x']]) await policy.propose(mathRequest(QUESTION, steps, 1), signal);
    expect(servers.map((s) => s.requestsTo('/v1/completions').length)).toEqual([2, 2]);
  });

  it('with a prefix cache per server, prefix routing reads far more of the prompts from cache than round robin', async () => {
    const hitRate = async (routing: string) => {
      const caches = [0, 1, 2].map(() => new PrefixCacheModel({ blockTokens: 16, capacityBlocks: 10_000, prefillMsPerToken: 0, decodeMsPerToken: 0 }));
      const servers = await Promise.all(caches.map((cache) => startFakeModelServerForTest(prefixCachedRoutes(cache))));
      const policy = policyOver(servers.map((s) => s.baseUrl), routing);
      let prompt = 0;
      let cached = 0;
      // Three problems, each a chain of expansions: every prompt repeats its parent's and adds a step.
      for (const problem of ['trains', 'boats', 'planes']) {
        const steps: string[] = [];
        for (let depth = 0; depth < 6; depth++) {
          const reply = await policy.propose(mathRequest(`${problem}: ${QUESTION}`, steps, 1), signal);
          prompt += reply.usage?.inputTokens ?? 0;
          cached += reply.usage?.cachedInputTokens ?? 0;
          steps.push(`Step ${depth}: ${'work it out carefully, '.repeat(8)}`);
        }
      }
      return cached / prompt;
    };
    const prefix = await hitRate('prefix');
    const roundRobin = await hitRate('round_robin');
    expect(prefix).toBeGreaterThan(0.6);
    expect(prefix).toBeGreaterThan(roundRobin * 1.5);
  });

  it('refuses a list with a bad URL, naming the setting', () => {
    expect(() => readPolicyConfig({ ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_BASE_URL: 'http://a:8000/v1,not a url', ARBOR_POLICY_MODEL: 'm' })).toThrow(
      /ARBOR_POLICY_BASE_URL: expected an http\(s\) URL, or several separated by commas/,
    );
  });
});
