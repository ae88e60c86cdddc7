// Every body the judges (and the next-token PRM, which sends judge requests) send a server is made of fields that
// server's own code declares (pinned, with their source, in @arbor/testing's request-fields), within OpenAI's
// documented limits when the server is OpenAI.
import { pinnedRequestFields, undeclaredFields, type FieldServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { chatJudgeBody, completionsJudgeBody } from './requests.js';
import { judgeDialect, type JudgeServer } from './server-kind.js';

const PROMPTS = ['Is 2 + 2 = 4 correct?', 'Is 2 + 2 = 5 correct?'];

function bodies(server: JudgeServer) {
  const dialect = judgeDialect(server);
  return [
    { endpoint: 'completions' as const, body: completionsJudgeBody('m', PROMPTS, dialect) },
    { endpoint: 'completions' as const, body: completionsJudgeBody('m', PROMPTS.slice(0, 1), dialect) },
    { endpoint: 'chat' as const, body: chatJudgeBody('m', PROMPTS[0]!, dialect) },
  ];
}

describe('judge request bodies against the fields each server declares', () => {
  it.each<[FieldServer, JudgeServer]>([
    ['vllm', 'vllm'],
    ['sglang', 'sglang'],
    ['openai', 'openai'],
  ])('%s takes every field sent to a %s server', (pinned, server) => {
    for (const { endpoint, body } of bodies(server)) {
      expect(undeclaredFields(body, pinned, endpoint), `${endpoint}: ${JSON.stringify(Object.keys(body))}`).toEqual([]);
    }
  });

  it('keeps within OpenAI\'s documented limits, and sends it no vLLM template arguments', () => {
    const limits = pinnedRequestFields('openai').limits!;
    for (const { endpoint, body } of bodies('openai')) {
      if (endpoint === 'completions') expect(body.logprobs as number).toBeLessThanOrEqual(limits['completions.logprobs']!.max);
      expect(body.temperature as number).toBeLessThanOrEqual(limits.temperature!.max);
      expect(body).not.toHaveProperty('chat_template_kwargs');
    }
  });

  it('turns thinking off where the server takes the template argument', () => {
    expect(chatJudgeBody('m', PROMPTS[0]!, judgeDialect('vllm'))).toMatchObject({ chat_template_kwargs: { enable_thinking: false } });
    expect(chatJudgeBody('m', PROMPTS[0]!, judgeDialect('sglang'))).toMatchObject({ chat_template_kwargs: { enable_thinking: false } });
  });
});
