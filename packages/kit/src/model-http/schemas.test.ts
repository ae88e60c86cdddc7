// The reply schemas accept what real servers send (extra fields and all) and refuse what we could not read.
import { describe, expect, it } from 'vitest';
import { cachedPromptTokens, chatCompletionsReplySchema, completionsReplySchema, poolingReplySchema } from './schemas.js';

describe('completionsReplySchema', () => {
  it('accepts a vLLM reply with logprobs and stop_reason', () => {
    const reply = completionsReplySchema.parse({
      id: 'cmpl-9',
      object: 'text_completion',
      created: 1_700_000_000,
      model: 'Qwen/Qwen2.5-Math-7B-Instruct',
      choices: [
        {
          index: 0,
          text: ' 6 * 7 = 42',
          logprobs: {
            text_offset: [0, 2],
            token_logprobs: [null, -0.25],
            tokens: [' 6', ' *'],
            top_logprobs: [null, { ' *': -0.25, ' x': -1.6 }],
          },
          finish_reason: 'stop',
          stop_reason: '\n\n',
          prompt_logprobs: null,
        },
        { index: 1, text: '', logprobs: null, finish_reason: 'length', stop_reason: 151643 },
      ],
      usage: { prompt_tokens: 12, total_tokens: 20, completion_tokens: 8, prompt_tokens_details: null },
    });
    expect(reply.choices[0]?.logprobs?.token_logprobs).toEqual([null, -0.25]);
    expect(reply.choices[1]?.stop_reason).toBe(151643);
    expect(reply.usage).toEqual({ prompt_tokens: 12, total_tokens: 20, completion_tokens: 8, prompt_tokens_details: null });
    expect(cachedPromptTokens(reply)).toBeUndefined();
  });

  it("keeps SGLang's matched_stop: the EOS token id, or the stop string that fired", () => {
    // As sglang/srt/entrypoints/openai/protocol.py's CompletionResponseChoice serialises it (no stop_reason).
    const reply = completionsReplySchema.parse({
      id: 'cmpl-sgl',
      object: 'text_completion',
      model: 'Qwen/Qwen2.5-Math-7B-Instruct',
      choices: [
        { index: 0, text: 'So x = 5.', logprobs: null, finish_reason: 'stop', matched_stop: 151645 },
        { index: 1, text: 'Then 2x = 10.', logprobs: null, finish_reason: 'stop', matched_stop: '\n\n' },
        { index: 2, text: 'The sum of', logprobs: null, finish_reason: 'length', matched_stop: null },
      ],
      usage: { prompt_tokens: 12, total_tokens: 20, completion_tokens: 8 },
    });
    expect(reply.choices.map((c) => c.matched_stop)).toEqual([151645, '\n\n', null]);
    expect(reply.choices[0]?.stop_reason).toBeUndefined();
    const chat = chatCompletionsReplySchema.parse({
      model: 'm',
      choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'stop', matched_stop: 128009 }],
    });
    expect(chat.choices[0]?.matched_stop).toBe(128009);
  });

  it("reads llama.cpp's chat-shaped logprobs into the classic shape", () => {
    // As llama.cpp's server answers /v1/completions with "logprobs": 2.
    const reply = completionsReplySchema.parse({
      id: 'cmpl-llama',
      object: 'text_completion',
      model: 'qwen2.5-math-1.5b-instruct-q8_0.gguf',
      choices: [
        {
          index: 0,
          text: ' 6 * 7',
          logprobs: {
            content: [
              { id: 220, token: ' 6', bytes: [32, 54], logprob: -0.25, top_logprobs: [{ id: 220, token: ' 6', bytes: [32, 54], logprob: -0.25 }, { id: 221, token: ' 7', bytes: [32, 55], logprob: -1.6 }] },
              { id: 353, token: ' *', bytes: [32, 42], logprob: -0.5, top_logprobs: [{ id: 353, token: ' *', logprob: -0.5 }, { id: 9, token: ' *', logprob: -3 }, { id: 10, token: '__proto__', logprob: -4 }] },
              { id: 22, token: ' 7', logprob: -0.125 },
            ],
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    });
    const logprobs = reply.choices[0]?.logprobs;
    expect(logprobs).toEqual({
      tokens: [' 6', ' *', ' 7'],
      token_logprobs: [-0.25, -0.5, -0.125],
      top_logprobs: [{ ' 6': -0.25, ' 7': -1.6 }, { ' *': -0.5, ['__proto__']: -4 }, null],
    });
    expect(Object.hasOwn(logprobs?.top_logprobs?.[1] ?? {}, '__proto__')).toBe(true);
  });

  it('reads chat-shaped logprobs without top lists as tokens and logprobs only, and a null content as none', () => {
    const content = { content: [{ token: 'a', logprob: -1 }, { token: 'b', logprob: -2, top_logprobs: null }] };
    expect(completionsReplySchema.parse({ choices: [{ index: 0, text: 'ab', logprobs: content }] }).choices[0]?.logprobs).toEqual({
      tokens: ['a', 'b'],
      token_logprobs: [-1, -2],
    });
    expect(completionsReplySchema.parse({ choices: [{ index: 0, text: 'x', logprobs: { content: null } }] }).choices[0]?.logprobs).toEqual({});
    expect(completionsReplySchema.safeParse({ choices: [{ index: 0, text: 'x', logprobs: { content: [{ token: 'x' }] } }] }).success).toBe(false);
  });

  it('accepts the bare minimum (llama.cpp, Ollama) and a null usage', () => {
    expect(completionsReplySchema.parse({ choices: [{ index: 0, text: 'x' }] }).choices).toHaveLength(1);
    expect(completionsReplySchema.parse({ choices: [], usage: null }).usage).toBeNull();
  });

  it('refuses a reply without choices, a choice without text, or a usage without prompt_tokens', () => {
    expect(completionsReplySchema.safeParse({ id: 'x' }).success).toBe(false);
    expect(completionsReplySchema.safeParse({ choices: [{ index: 0 }] }).success).toBe(false);
    expect(completionsReplySchema.safeParse({ choices: [{ index: 0, text: null }] }).success).toBe(false);
    expect(completionsReplySchema.safeParse({ choices: [], usage: { completion_tokens: 1 } }).success).toBe(false);
  });

  it('takes token counts only as non-negative integers', () => {
    expect(completionsReplySchema.parse({ choices: [], usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } }).usage).toEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    });
    const issues = (usage: unknown) => completionsReplySchema.safeParse({ choices: [], usage }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ prompt_tokens: -5 })).toEqual(['usage.prompt_tokens: Too small: expected number to be >=0']);
    expect(issues({ prompt_tokens: 1.5 })).toEqual(['usage.prompt_tokens: Invalid input: expected int, received number']);
    expect(issues({ prompt_tokens: 5, completion_tokens: -1 })).toEqual(['usage.completion_tokens: Too small: expected number to be >=0']);
    expect(issues({ prompt_tokens: 5, total_tokens: -1 })).toEqual(['usage.total_tokens: Too small: expected number to be >=0']);
  });
});

describe('chatCompletionsReplySchema', () => {
  it('accepts an OpenAI reply with token logprobs', () => {
    const reply = chatCompletionsReplySchema.parse({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Yes', refusal: null, annotations: [] },
          logprobs: {
            content: [{ token: 'Yes', logprob: -0.01, bytes: [89, 101, 115], top_logprobs: [{ token: 'Yes', logprob: -0.01, bytes: null }] }],
            refusal: null,
          },
          finish_reason: 'stop',
        },
      ],
      usage: { prompt_tokens: 30, completion_tokens: 1, total_tokens: 31, completion_tokens_details: {} },
      service_tier: 'default',
    });
    expect(reply.choices[0]?.message.content).toBe('Yes');
    expect(reply.choices[0]?.logprobs?.content?.[0]?.top_logprobs?.[0]).toEqual({ token: 'Yes', logprob: -0.01 });
  });

  it('accepts null content and logprobs, refuses a missing message', () => {
    expect(chatCompletionsReplySchema.parse({ choices: [{ index: 0, message: { content: null }, logprobs: null }] }).choices).toHaveLength(1);
    expect(chatCompletionsReplySchema.parse({ choices: [{ index: 0, message: { content: 'a' }, logprobs: { content: null } }] }).choices).toHaveLength(1);
    expect(chatCompletionsReplySchema.safeParse({ choices: [{ index: 0 }] }).success).toBe(false);
    expect(chatCompletionsReplySchema.safeParse({ choices: [{ index: 0, message: { content: 'a' }, logprobs: { content: [{ token: 'a' }] } }] }).success).toBe(false);
  });
});

describe('poolingReplySchema', () => {
  it('accepts a token-level reward (one vector per token) and a sequence-level vector', () => {
    const reply = poolingReplySchema.parse({
      id: 'pool-1',
      object: 'list',
      created: 1,
      model: 'Qwen/Qwen2.5-Math-PRM-7B',
      data: [
        { index: 0, object: 'pooling', data: [[0.1, 0.9], [0.7, 0.3]] },
        { index: 1, object: 'pooling', data: [0.2, 0.8] },
      ],
      usage: { prompt_tokens: 40, total_tokens: 40, completion_tokens: 0, prompt_tokens_details: null },
    });
    expect(reply.data[0]?.data).toEqual([[0.1, 0.9], [0.7, 0.3]]);
    expect(reply.data[1]?.data).toEqual([0.2, 0.8]);
  });

  it('refuses a negative or fractional token count, as the other replies do', () => {
    expect(poolingReplySchema.safeParse({ data: [], usage: { prompt_tokens: -5 } }).success).toBe(false);
    expect(poolingReplySchema.safeParse({ data: [], usage: { prompt_tokens: 5, completion_tokens: 0.5 } }).success).toBe(false);
    expect(chatCompletionsReplySchema.safeParse({ choices: [], usage: { prompt_tokens: -5 } }).success).toBe(false);
  });

  it('refuses data that is not numbers', () => {
    expect(poolingReplySchema.safeParse({ data: [{ index: 0, data: ['a'] }] }).success).toBe(false);
    expect(poolingReplySchema.safeParse({ data: [{ index: 0 }] }).success).toBe(false);
    expect(poolingReplySchema.safeParse({ data: {} }).success).toBe(false);
  });
});

describe('cachedPromptTokens', () => {
  const choice = { index: 0, text: 'x', finish_reason: 'stop' };

  it("reads usage.prompt_tokens_details.cached_tokens as vLLM (--enable-prompt-tokens-details), SGLang and OpenAI send it", () => {
    // vLLM's PromptTokenUsageInfo, with its other fields null.
    const vllm = completionsReplySchema.parse({
      choices: [choice],
      usage: { prompt_tokens: 150, completion_tokens: 4, total_tokens: 154, prompt_tokens_details: { cached_tokens: 128, audio_tokens: null, image_tokens: null } },
    });
    expect(cachedPromptTokens(vllm)).toBe(128);
    // OpenAI's CompletionUsage, on chat.
    const openai = chatCompletionsReplySchema.parse({
      choices: [{ index: 0, message: { content: 'Yes' } }],
      usage: { prompt_tokens: 2006, completion_tokens: 1, total_tokens: 2007, prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 } },
    });
    expect(cachedPromptTokens(openai)).toBe(1920);
  });

  it("falls back on llama.cpp's timings.cache_n, which builds without prompt_tokens_details send", () => {
    // As tools/server/server-task.cpp's to_json_oaicompat: usage without details, timings beside it.
    const llama = completionsReplySchema.parse({
      choices: [choice],
      usage: { completion_tokens: 35, prompt_tokens: 237, total_tokens: 272 },
      timings: { cache_n: 236, prompt_n: 1, prompt_ms: 30.9, predicted_n: 35, predicted_ms: 661 },
    });
    expect(cachedPromptTokens(llama)).toBe(236);
    // Newer builds send both; the usage field wins.
    const both = chatCompletionsReplySchema.parse({
      choices: [{ index: 0, message: { content: 'a' } }],
      usage: { prompt_tokens: 44, completion_tokens: 48, total_tokens: 92, prompt_tokens_details: { cached_tokens: 0 } },
      timings: { cache_n: 40, prompt_n: 4 },
    });
    expect(cachedPromptTokens(both)).toBe(0);
  });

  it('reports none for a reply without them (vLLM without the flag, Ollama), or without usage to count them in', () => {
    expect(cachedPromptTokens(completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 9, prompt_tokens_details: null } }))).toBeUndefined();
    expect(cachedPromptTokens(completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 9, prompt_tokens_details: { cached_tokens: null } } }))).toBeUndefined();
    expect(cachedPromptTokens(completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 9 } }))).toBeUndefined();
    expect(cachedPromptTokens(completionsReplySchema.parse({ choices: [choice], timings: { cache_n: 5 } }))).toBeUndefined();
  });

  it('never counts more cached tokens than prompt tokens', () => {
    const reply = completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 64 } } });
    expect(cachedPromptTokens(reply)).toBe(10);
  });

  it('reads a malformed cached count as none, without failing a reply whose results and counts are fine', () => {
    for (const details of [{ cached_tokens: -3 }, { cached_tokens: 2.5 }, { cached_tokens: '7' }, 'yes', 42]) {
      const reply = completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 10, prompt_tokens_details: details } });
      expect(reply.usage?.prompt_tokens).toBe(10);
      expect(cachedPromptTokens(reply), JSON.stringify(details)).toBeUndefined();
    }
    const timings = completionsReplySchema.parse({ choices: [choice], usage: { prompt_tokens: 10 }, timings: { cache_n: -1 } });
    expect(cachedPromptTokens(timings)).toBeUndefined();
  });
});
