import { chatReply, useFakeModelServer } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import { mathInstruction } from './math-prompt.js';
import { createOpenAiPolicy } from './policy.js';
import { mathRequest, signal, testSettings, texts } from './test-support.js';

const PATH = '/v1/chat/completions';
const server = useFakeModelServer();

const STEPS = ['Let the number be x.', 'Then 2x = 10.'];

describe('openai policy over /chat/completions (math)', () => {
  it('plain chat: lists the steps so far in the user message and asks for the next one', async () => {
    server.route(PATH, () => chatReply({ choices: [{ text: 'So x = 5.' }] }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat' }));
    await policy.propose(mathRequest('Twice a number is 10. What is it?', STEPS, 3, { seed: '9' }), signal);
    const [sent] = server.requestsTo(PATH);
    expect(sent?.body).toEqual({
      model: 'test-model',
      messages: [
        { role: 'system', content: mathInstruction('\n\n') },
        {
          role: 'user',
          content:
            'Question: Twice a number is 10. What is it?\n\nSteps so far:\nLet the number be x.\n\nThen 2x = 10.\n\n' +
            'Write only the next step of the solution, without repeating the steps so far.',
        },
      ],
      n: 3,
      max_tokens: 256,
      temperature: 0.7,
      top_p: 1,
      stop: ['\n\n'],
      seed: 9,
      logprobs: true,
    });
  });

  it('plain chat at the root asks for the first step', async () => {
    server.route(PATH, () => chatReply({ choices: [{ text: 'Let the number be x.' }] }));
    await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', logprobs: false })).propose(mathRequest('Q?'), signal);
    const body = server.requestsTo(PATH)[0]?.body;
    expect(body.messages[1]).toEqual({ role: 'user', content: 'Question: Q?\n\nWrite only the first step of the solution.' });
    expect(body).not.toHaveProperty('logprobs');
    expect(body).not.toHaveProperty('continue_final_message');
  });

  it('continued chat: the steps so far are an assistant message the server continues', async () => {
    server.route(PATH, (r) => chatReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: 'So x = 5.' })) }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true }));
    await policy.propose(mathRequest('Twice a number is 10. What is it?', STEPS, 2), signal);
    await policy.propose(mathRequest('Twice a number is 10. What is it?', [], 2), signal);
    const [continued, root] = server.requestsTo(PATH).map((r) => r.body);
    expect(continued.messages).toEqual([
      { role: 'system', content: mathInstruction('\n\n') },
      { role: 'user', content: 'Question: Twice a number is 10. What is it?' },
      { role: 'assistant', content: 'Let the number be x.\n\nThen 2x = 10.\n\n' },
    ]);
    expect(continued).toMatchObject({ continue_final_message: true, add_generation_prompt: false, n: 2, stop: ['\n\n'], logprobs: true });
    // At the root there is nothing to continue: a normal assistant turn starts the solution.
    expect(root.messages).toHaveLength(2);
    expect(root).not.toHaveProperty('continue_final_message');
    expect(root).not.toHaveProperty('add_generation_prompt');
  });

  it('reads logprobs.content and usage from the chat reply shape', async () => {
    server.route(PATH, () =>
      chatReply({
        model: 'served-model',
        choices: [
          { text: 'Divide both sides by 2.', logprob: -0.75, stopReason: '\n\n' },
          { text: 'x = 5, so the answer is \\boxed{5}', logprob: -1.25 },
          { text: 'No logprobs.', logprob: null, stopReason: '\n\n' },
        ],
        usage: { prompt: 80, completion: 21 },
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true })).propose(mathRequest('q', STEPS, 3), signal);
    expect(texts(r)).toEqual(['Divide both sides by 2.', 'x = 5, so the answer is \\boxed{5}', 'No logprobs.']);
    expect(r.candidates?.map((c) => Number(c.step?.logprob))).toEqual([expect.closeTo(-0.75, 9), expect.closeTo(-1.25, 9), 0]);
    expect(r.candidates?.[0]?.step?.tokens).toBe(5);
    expect(r.candidates?.map((c) => [c.terminal, c.answer])).toEqual([
      [false, ''],
      [true, '5'],
      [false, ''],
    ]);
    expect(r.usage).toMatchObject({ inputTokens: 80, outputTokens: 21, model: 'served-model', estimated: false });
  });

  it('takes the end of a continued answer for the end of the solution, but not the end of a plain chat turn', async () => {
    // chatReply sends stop_reason null by default: the model stopped by itself.
    server.route(PATH, () => chatReply({ choices: [{ text: 'Therefore x is five.' }] }));
    const continued = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true })).propose(mathRequest('q', STEPS), signal);
    expect(continued.candidates?.[0]).toMatchObject({ terminal: true, answer: '' });
    // Asked for "only the next step", a chat model ends its turn after every step.
    const plain = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat' })).propose(mathRequest('q', STEPS), signal);
    expect(plain.candidates?.[0]).toMatchObject({ terminal: false, answer: '' });
  });

  it('treats a null message content as an empty step, counted as invalid', async () => {
    server.route(PATH, () => {
      const reply = chatReply({ choices: [{ text: 'A.' }, { text: 'B.' }] });
      if (reply.kind === 'json') (reply.body as { choices: { message: { content: string | null } }[] }).choices[0]!.message.content = null;
      return reply;
    });
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat' })).propose(mathRequest('q', [], 2), signal);
    expect(texts(r)).toEqual(['B.']);
    expect(r.invalidCandidates).toBe(1);
  });

  it('counts the empty steps of a template that trims the continued message, with ARBOR_POLICY_CHAT_PREFIX=closed', async () => {
    // Such a template ends the prompt without the blank line, so the model's first tokens are the stop string.
    // (auto turns the prefix open instead: policy-servers.test.ts.)
    server.route(PATH, () => chatReply({ choices: [{ text: '', stopReason: '\n\n' }, { text: '', stopReason: '\n\n' }, { text: '', stopReason: '\n\n' }], usage: { prompt: 80, completion: 3 } }));
    const settings = testSettings(server.baseUrl, { api: 'chat', chatContinue: true, chatPrefix: 'closed' });
    const r = await createOpenAiPolicy(settings, { log: { info: () => {}, warn: () => {} } }).propose(mathRequest('q', STEPS, 3), signal);
    expect(r.candidates).toEqual([]);
    expect(r.invalidCandidates).toBe(3);
  });
});
