// Shared by the openai backend's tests: settings pointing at a fake server, and Propose requests per task.
import type { ProposeRequest__Output, ProposeResponse, Sampling__Output } from '@arbor/contracts';
import { readPolicyConfig } from '../../config.js';
import { openAiSettingsFromConfig, type OpenAiPolicySettings } from './settings.js';

export const signal = new AbortController().signal;

/**
 * The backend's settings at the service defaults (spelled out once, in config.test.ts), aimed at `baseUrl`, with
 * a short HTTP timeout so a test that goes wrong fails in seconds rather than the default minute.
 */
export function testSettings(baseUrl: string, overrides: Partial<OpenAiPolicySettings> = {}): OpenAiPolicySettings {
  const config = readPolicyConfig({ ARBOR_POLICY_BACKEND: 'openai', ARBOR_POLICY_BASE_URL: baseUrl, ARBOR_POLICY_MODEL: 'test-model' });
  return { ...openAiSettingsFromConfig(config), timeoutMs: 5_000, ...overrides };
}

function request(
  problem: ProposeRequest__Output['problem'],
  steps: readonly string[],
  numCandidates: number,
  sampling: Partial<Sampling__Output>,
): ProposeRequest__Output {
  return {
    problem,
    prefix: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) },
    numCandidates,
    sampling: { temperature: 0, topP: 0, maxTokens: 0, seed: '0', stop: [], ...sampling },
    callId: 'call-1',
  };
}

export function mathRequest(
  question: string,
  steps: readonly string[] = [],
  numCandidates = 4,
  sampling: Partial<Sampling__Output> = {},
  params: Record<string, string> = {},
): ProposeRequest__Output {
  return request({ task: 'math', id: 'm1', question, params }, steps, numCandidates, sampling);
}

export function countdownRequest(
  numbers: string,
  steps: readonly string[] = [],
  numCandidates = 4,
  sampling: Partial<Sampling__Output> = {},
): ProposeRequest__Output {
  return request({ task: 'countdown', id: 'c1', question: numbers, params: { target: '24' } }, steps, numCandidates, sampling);
}

export const texts = (r: ProposeResponse): string[] => (r.candidates ?? []).map((c) => c.step?.text ?? '');

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { kind?: string; field?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { kind?: string; field?: string };
  }
  throw new Error('expected a rejection');
}
