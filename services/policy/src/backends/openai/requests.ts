// The HTTP requests of one Propose call: the body for /completions or /chat/completions, k candidates split into
// requests of at most MAX_N each.
import type { Prompt } from './prompt.js';
import { seedForRequest, type StepSampling } from './sampling.js';

export const COMPLETIONS_PATH = '/completions';
export const CHAT_PATH = '/chat/completions';

export interface ModelRequest {
  path: typeof COMPLETIONS_PATH | typeof CHAT_PATH;
  /** Choices asked for (`n`). */
  n: number;
  body: Record<string, unknown>;
}

export interface RequestOptions {
  model: string;
  logprobs: boolean;
  maxN: number;
}

/** Sizes of the requests for k candidates, as even as possible: 10 at MAX_N 4 is 4, 3, 3. */
export function splitCount(k: number, maxN: number): number[] {
  const requests = Math.ceil(k / maxN);
  const base = Math.floor(k / requests);
  return Array.from({ length: requests }, (_, i) => base + (i < k % requests ? 1 : 0));
}

export function buildRequests(prompt: Prompt, sampling: StepSampling, k: number, options: RequestOptions): ModelRequest[] {
  return splitCount(k, options.maxN).map((n, i) => {
    const seed = seedForRequest(sampling.seed, i);
    const common = {
      model: options.model,
      n,
      max_tokens: sampling.maxTokens,
      temperature: sampling.temperature,
      top_p: sampling.topP,
      stop: sampling.stop,
      ...(seed !== undefined && { seed }),
    };
    if (prompt.api === 'completions') {
      return { path: COMPLETIONS_PATH, n, body: { ...common, prompt: prompt.text, ...(options.logprobs && { logprobs: 1 }) } };
    }
    return {
      path: CHAT_PATH,
      n,
      body: {
        ...common,
        messages: prompt.messages,
        ...(options.logprobs && { logprobs: true }),
        // vLLM and SGLang extensions: render the last assistant message open, without a new assistant turn.
        ...(prompt.continueFinal && { continue_final_message: true, add_generation_prompt: false }),
      },
    };
  });
}
