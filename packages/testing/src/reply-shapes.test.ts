// The fake server's replies checked against OpenAI's published response schema (pinned, trimmed, in
// response-schemas/openai.json with the repository, commit and path it was read from), for every builder and option.
import { describe, expect, it } from 'vitest';
import type { FakeReply } from './fake-model-server.js';
import { openAiSchemaErrors, pinnedOpenAiSchemas } from './openai-schema.js';
import { chatReply, completionsReply, judgeReply, modelsReply, poolingReply, type FakeChoice, type FakeDialect, type FakeUsage } from './reply-shapes.js';

const pinned = pinnedOpenAiSchemas;
const errorsAgainst = openAiSchemaErrors;

function bodyOf(reply: FakeReply): any {
  if (reply.kind !== 'json') throw new Error(`expected a json reply, got ${reply.kind}`);
  return reply.body;
}

const dialects: (FakeDialect | undefined)[] = [undefined, 'vllm', 'sglang', 'plain'];
const choiceSets: Record<string, FakeChoice[]> = {
  'one choice, default logprob': [{ text: ' 25 + 5 = 30' }],
  'logprob given, length, stop reason': [{ text: ' a step', logprob: -2, finishReason: 'length', stopReason: 'x' }],
  'no logprobs': [{ text: 'no logprobs here', logprob: null }],
  'empty text': [{ text: '', logprob: 0 }],
  'non-ascii text, a token-id stop reason, n=2': [
    { text: ' café → 3½', logprob: -1.5, stopReason: 2 },
    { text: ' second', stopReason: null },
  ],
};
const usages: Record<string, FakeUsage | null | undefined> = {
  'usage counted': undefined,
  'usage given': { prompt: 7, completion: 4 },
  'cached tokens reported': { prompt: 40, completion: 4, cached: 32 },
  "llama.cpp's timings.cache_n": { prompt: 40, completion: 4, cacheN: 32 },
  'no usage': null,
};

describe('the pinned OpenAI response schema', () => {
  it('names where it was read from and holds the response schemas the tests use', () => {
    expect(pinned.source.repository).toBe('openai/openai-openapi');
    expect(pinned.source.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const name of ['CreateChatCompletionResponse', 'CreateCompletionResponse', 'CompletionUsage', 'ChatCompletionTokenLogprob', 'ChatCompletionResponseMessage', 'ListModelsResponse']) {
      expect(pinned.components.schemas[name], name).toBeDefined();
    }
  });

  it('marks message.refusal and logprobs.content[].bytes as required, as the tests rely on', () => {
    const schemas = pinned.components.schemas as any;
    expect(schemas.ChatCompletionResponseMessage.required).toContain('refusal');
    expect(schemas.ChatCompletionTokenLogprob.required).toContain('bytes');
    expect(schemas.ChatCompletionTokenLogprob.properties.top_logprobs.items.required).toContain('bytes');
  });

  it('refuses a chat reply without message.refusal or bytes (the shapes the fake server used to send)', () => {
    const old = {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'fake-model',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: ' Yes' },
          logprobs: { content: [{ token: ' Yes', logprob: -0.1, bytes: null, top_logprobs: [{ token: ' Yes', logprob: -0.1 }] }] },
          finish_reason: 'stop',
        },
      ],
    };
    const errors = errorsAgainst('CreateChatCompletionResponse', old).join('\n');
    expect(errors).toContain("must have required property 'refusal'");
    expect(errors).toContain("must have required property 'bytes'");
  });
});

describe('reply builders match OpenAI’s response schema', () => {
  for (const dialect of dialects) {
    for (const [choicesName, choices] of Object.entries(choiceSets)) {
      for (const [usageName, usage] of Object.entries(usages)) {
        const label = `${dialect ?? 'default dialect'}, ${choicesName}, ${usageName}`;
        it(`chatReply: ${label}`, () => {
          const body = bodyOf(chatReply({ choices, usage, dialect, model: 'm' }));
          expect(errorsAgainst('CreateChatCompletionResponse', body)).toEqual([]);
          expect(body.choices).toHaveLength(choices.length);
          for (const choice of body.choices) expect(choice.message.refusal).toBeNull();
        });
        it(`completionsReply: ${label}`, () => {
          expect(errorsAgainst('CreateCompletionResponse', bodyOf(completionsReply({ choices, usage, dialect, model: 'm' })))).toEqual([]);
        });
      }
    }
  }

  it('chatReply sends each token’s UTF-8 bytes, in content and in top_logprobs', () => {
    const body = bodyOf(chatReply({ choices: [{ text: ' café', logprob: -1 }] }));
    const [item] = body.choices[0].logprobs.content;
    expect(item.token).toBe(' café');
    expect(item.bytes).toEqual([32, 99, 97, 102, 195, 169]);
    expect(item.top_logprobs).toEqual([{ token: ' café', logprob: -1, bytes: [32, 99, 97, 102, 195, 169] }]);
    expect(body.choices[0].logprobs.refusal).toBeNull();
  });

  it('the plain dialect sends only fields OpenAI declares', () => {
    const schemas = pinned.components.schemas as any;
    const chat = bodyOf(chatReply({ choices: [{ text: ' a b', stopReason: 'x' }], dialect: 'plain' }));
    const completion = bodyOf(completionsReply({ choices: [{ text: ' a b', stopReason: 'x' }], dialect: 'plain' }));
    expect(Object.keys(chat.choices[0]).filter((k) => !(k in schemas.CreateChatCompletionResponse.properties.choices.items.properties))).toEqual([]);
    expect(Object.keys(chat.choices[0].message).filter((k) => !(k in schemas.ChatCompletionResponseMessage.properties))).toEqual([]);
    expect(Object.keys(completion.choices[0]).filter((k) => !(k in schemas.CreateCompletionResponse.properties.choices.items.properties))).toEqual([]);
  });

  it('reports cached tokens where OpenAI does, and llama.cpp\'s timings beside the usage', () => {
    const cached = bodyOf(completionsReply({ choices: [{ text: ' a' }], usage: { prompt: 40, completion: 1, cached: 32 } }));
    expect(cached.usage).toEqual({ prompt_tokens: 40, completion_tokens: 1, total_tokens: 41, prompt_tokens_details: { cached_tokens: 32 } });
    expect(cached.timings).toBeUndefined();
    const llama = bodyOf(chatReply({ choices: [{ text: ' a' }], usage: { prompt: 40, completion: 1, cacheN: 30 } }));
    expect(llama.usage).toEqual({ prompt_tokens: 40, completion_tokens: 1, total_tokens: 41 });
    expect(llama.timings).toMatchObject({ cache_n: 30, prompt_n: 10, predicted_n: 1 });
    const judge = bodyOf(judgeReply({ api: 'chat', top: [{ ' Yes': -0.1 }], cached: 12 }));
    expect(judge.usage.prompt_tokens_details).toEqual({ cached_tokens: 12 });
    expect(errorsAgainst('CreateChatCompletionResponse', judge)).toEqual([]);
    expect(bodyOf(judgeReply({ api: 'completions', top: [{ ' Yes': -0.1 }] })).usage.prompt_tokens_details).toBeUndefined();
  });

  for (const api of ['chat', 'completions'] as const) {
    it(`judgeReply (${api})`, () => {
      const body = bodyOf(judgeReply({ api, top: [{ ' Yes': -0.2, ' No': -1.8 }, { ' No': -0.1, ' Yes': -2.5 }, {}] }));
      expect(errorsAgainst(api === 'chat' ? 'CreateChatCompletionResponse' : 'CreateCompletionResponse', body)).toEqual([]);
      if (api === 'chat') {
        expect(body.choices[0].message.refusal).toBeNull();
        expect(body.choices[0].logprobs.content[0].top_logprobs[1]).toEqual({ token: ' No', logprob: -1.8, bytes: [32, 78, 111] });
      }
    });
  }

  it('modelsReply', () => {
    expect(errorsAgainst('ListModelsResponse', bodyOf(modelsReply({ ownedBy: 'vllm', ids: ['a', 'b'] })))).toEqual([]);
    expect(errorsAgainst('ListModelsResponse', bodyOf(modelsReply({ ownedBy: 'system' })))).toEqual([]);
  });

  it('poolingReply (a vLLM route OpenAI has no schema for): its usage is OpenAI’s CompletionUsage', () => {
    const body = bodyOf(poolingReply({ rows: [[[0.2, 0.8]], [[0.9, 0.1], [0.4, 0.6]]] }));
    expect(errorsAgainst('CompletionUsage', body.usage)).toEqual([]);
    expect(body.data).toHaveLength(2);
  });
});
