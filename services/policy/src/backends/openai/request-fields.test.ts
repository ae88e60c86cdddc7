// Every body the policy sends a server is made of fields that server's own code declares (pinned, with their
// source, in @arbor/testing's request-fields), within OpenAI's documented limits when the server is OpenAI.
import { pinnedRequestFields, undeclaredFields, type FieldServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { countdownPromptParts } from './countdown-prompt.js';
import { mathPromptParts } from './math-prompt.js';
import { renderPrompt, type Prompt, type PromptStyle } from './prompt.js';
import { buildRequests, type RequestOptions } from './requests.js';
import type { StepSampling } from './sampling.js';
import type { ServerKind } from './server-kind.js';

const STEPS = ['Let the number be x.', 'Then 2x = 10.'];
const STYLES: PromptStyle[] = ['completions', 'chat', 'chat-continue', 'chat-continue-open'];

/** Prompts of every style, at the root and after steps, for math ("\n\n") and countdown ("\n"). */
function prompts(styles: readonly PromptStyle[]): Prompt[] {
  return styles.flatMap((style) =>
    [[], STEPS].flatMap((steps) => [
      renderPrompt(mathPromptParts('Twice a number is 10. What is it?', steps, '\n\n', ''), style),
      renderPrompt(countdownPromptParts({ numbers: [4, 9, 10, 13], target: 24 }, steps, ''), style),
    ]),
  );
}

/** Samplings a Propose request can ask for: seeded or not, high temperature, many stop strings. */
const SAMPLINGS: StepSampling[] = [
  { temperature: 0.7, topP: 1, maxTokens: 256, seed: undefined, stop: ['\n\n'] },
  { temperature: 1.3, topP: 0.9, maxTokens: 64, seed: 42, stop: ['\n'] },
  { temperature: 3.5, topP: 0.95, maxTokens: 128, seed: 7, stop: ['\n\n', '</step>', 'Step', '###', 'Answer:', '\n\n\n'] },
];

function bodies(server: ServerKind, styles: readonly PromptStyle[], extra: Partial<RequestOptions> = {}) {
  const out: { endpoint: 'chat' | 'completions'; body: Record<string, unknown> }[] = [];
  for (const prompt of prompts(styles)) {
    for (const sampling of SAMPLINGS) {
      for (const logprobs of [true, false]) {
        for (const requests of [buildRequests(prompt, sampling, 5, { model: 'm', logprobs, maxN: 2, server, ...extra })]) {
          for (const r of requests) out.push({ endpoint: r.path === '/completions' ? 'completions' : 'chat', body: r.body });
        }
      }
    }
  }
  return out;
}

describe('request bodies against the fields each server declares', () => {
  it.each<[FieldServer, ServerKind, PromptStyle[]]>([
    ['vllm', 'vllm', STYLES],
    ['vllm', 'other', STYLES],
    ['sglang', 'sglang', STYLES],
    // OpenAI cannot continue a message (the config refuses CHAT_CONTINUE there).
    ['openai', 'openai', ['completions', 'chat']],
  ])('%s takes every field sent to a %s server', (pinned, server, styles) => {
    const sent = bodies(server, styles);
    expect(sent.length).toBeGreaterThan(0);
    for (const { endpoint, body } of sent) expect(undeclaredFields(body, pinned, endpoint), `${endpoint}: ${JSON.stringify(Object.keys(body))}`).toEqual([]);
  });

  it('sends OpenAI reasoning models only the fields of a chat request they take', () => {
    for (const { endpoint, body } of bodies('openai', ['chat'], { reasoning: true, reasoningEffort: 'low' })) {
      expect(endpoint).toBe('chat');
      expect(undeclaredFields(body, 'openai', 'chat')).toEqual([]);
      // o-series and gpt-5 refuse these ("Unsupported parameter"), and max_tokens in favour of max_completion_tokens.
      for (const refused of ['temperature', 'top_p', 'logprobs', 'top_logprobs', 'stop', 'max_tokens']) expect(body).not.toHaveProperty(refused);
      expect(body).toMatchObject({ max_completion_tokens: expect.any(Number), reasoning_effort: 'low' });
    }
  });

  it("keeps what is sent to OpenAI within its documented limits, and vLLM's extensions away from it and from SGLang", () => {
    const limits = pinnedRequestFields('openai').limits ?? {};
    for (const { endpoint, body } of bodies('openai', ['completions', 'chat'])) {
      expect(body.temperature as number).toBeLessThanOrEqual(limits.temperature?.max ?? Number.NaN);
      expect(((body.stop as string[] | undefined) ?? []).length).toBeLessThanOrEqual(limits.stop?.max ?? Number.NaN);
      if (endpoint === 'completions' && body.logprobs !== undefined) expect(body.logprobs as number).toBeLessThanOrEqual(limits['completions.logprobs']?.max ?? Number.NaN);
      if (endpoint === 'chat') expect(body).toHaveProperty('max_completion_tokens');
    }
    const continued = bodies('sglang', ['chat-continue']).filter((b) => b.body.continue_final_message === true);
    expect(continued.length).toBeGreaterThan(0);
    for (const { body } of continued) expect(body).not.toHaveProperty('add_generation_prompt');
    // llama.cpp and Ollama continue a final assistant message by themselves.
    for (const server of ['llama.cpp', 'ollama'] as const) {
      for (const { body } of bodies(server, ['chat-continue'])) expect(Object.keys(body).filter((f) => f.includes('generation') || f.includes('continue') || f === 'min_tokens')).toEqual([]);
    }
  });

  it('names its sources', () => {
    for (const server of ['openai', 'vllm', 'sglang'] as const) {
      const pinned = pinnedRequestFields(server);
      expect(pinned.source.repository).toMatch(/^[\w-]+\/[\w-]+$/);
      expect(pinned.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(pinned.chat).toContain('messages');
      expect(pinned.completions).toContain('prompt');
    }
  });
});
