import { completionsReply, pseudoTokens, useFakeModelServer } from '@arbor/testing';
import { estimateTokens } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { mathInstruction } from './math-prompt.js';
import { createOpenAiPolicy } from './policy.js';
import { mathRequest, signal, testSettings, texts } from './test-support.js';

const PATH = '/v1/completions';
const server = useFakeModelServer();

describe('openai policy over /completions (math)', () => {
  it('sends the prompt, n, stop at the delimiter, the configured sampling and the seed', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: 'Add them: 2 + 3 = 5.' }] }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl));
    await policy.propose(mathRequest('What is 2 + 3?', ['We need the sum of 2 and 3.'], 4, { seed: '42' }), signal);
    const [sent] = server.requestsTo(PATH);
    expect(sent?.method).toBe('POST');
    expect(sent?.body).toEqual({
      model: 'test-model',
      prompt: `${mathInstruction('\n\n')}\n\nQuestion: What is 2 + 3?\n\nWe need the sum of 2 and 3.\n\n`,
      n: 4,
      max_tokens: 256,
      temperature: 0.7,
      top_p: 1,
      stop: ['\n\n'],
      seed: 42,
      logprobs: 1,
    });
    expect(sent?.headers.authorization).toBeUndefined();
  });

  it("uses the request's sampling and stop strings when set, and the problem's delimiter otherwise", async () => {
    server.route(PATH, (r) => completionsReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: 'x = 1' })) }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { logprobs: false }));
    await policy.propose(mathRequest('Solve x + 1 = 2.', [], 2, { temperature: 0.2, topP: 0.9, maxTokens: 80, stop: ['\nStep', '</step>'] }), signal);
    await policy.propose(mathRequest('Solve x + 1 = 2.', ['Subtract 1.'], 2, {}, { delimiter: '\n' }), signal);
    const [first, second] = server.requestsTo(PATH).map((r) => r.body);
    expect(first).toMatchObject({ n: 2, temperature: 0.2, top_p: 0.9, max_tokens: 80, stop: ['\nStep', '</step>'] });
    expect(first).not.toHaveProperty('logprobs');
    expect(first).not.toHaveProperty('seed');
    expect(second.stop).toEqual(['\n']);
    expect(second.prompt).toMatch(/\n\nQuestion: Solve x \+ 1 = 2\.\nSubtract 1\.\n$/);
  });

  it('sends a seed beyond 2^53 as its low 53 bits, and one seed per parallel request', async () => {
    server.route(PATH, (r) => completionsReply({ choices: Array.from({ length: r.body.n ?? 1 }, (_, i) => ({ text: `step ${r.body.seed} ${i}` })) }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { maxN: 2 }));
    await policy.propose(mathRequest('q', [], 3, { seed: '18446744073709551615' }), signal);
    const seeds = server.requestsTo(PATH).map((r) => r.body.seed).sort();
    expect(seeds).toEqual([2 ** 53 - 1, 0].sort());
  });

  it('turns choices into candidates: trimmed, logprob summed, tokens counted, terminal on an answer or EOS', async () => {
    server.route(PATH, () =>
      completionsReply({
        choices: [
          { text: ' Add the numbers: 2 + 3 = 5.', logprob: -1.5 },
          { text: 'So the answer is \\boxed{5}.', logprob: -0.5 },
          { text: 'We are done.', stopReason: null, logprob: -3 },
          { text: 'Adding them, the total is 5.<|im_end|>', stopReason: null, logprob: -2 },
          { text: 'The final answer is 5', finishReason: 'length', stopReason: null, logprob: -1 },
          { text: 'No logprobs here.', logprob: null },
        ],
        usage: { prompt: 57, completion: 33 },
      }),
    );
    const policy = createOpenAiPolicy(testSettings(server.baseUrl));
    const r = await policy.propose(mathRequest('What is 2 + 3?', [], 6), signal);
    expect(r.invalidCandidates).toBe(0);
    expect(r.candidates?.map((c) => ({ text: c.step?.text, terminal: c.terminal, answer: c.answer }))).toEqual([
      { text: 'Add the numbers: 2 + 3 = 5.', terminal: false, answer: '' },
      { text: 'So the answer is \\boxed{5}.', terminal: true, answer: '5' },
      // finish_reason stop with stop_reason null: the model ended its solution (EOS) without an answer.
      { text: 'We are done.', terminal: true, answer: '' },
      // Ended at EOS with an answer nothing marks: its last number, read before the template token.
      { text: 'Adding them, the total is 5.<|im_end|>', terminal: true, answer: '5' },
      // Cut at max_tokens after its final answer: kept, the answer is there.
      { text: 'The final answer is 5', terminal: true, answer: '5' },
      { text: 'No logprobs here.', terminal: false, answer: '' },
    ]);
    const steps = (r.candidates ?? []).map((c) => c.step);
    expect(steps.map((s) => Number(s?.logprob))).toEqual([-1.5, -0.5, -3, -2, -1, 0].map((x) => expect.closeTo(x, 9)));
    expect(steps[0]?.tokens).toBe(pseudoTokens(' Add the numbers: 2 + 3 = 5.').length);
    expect(steps[5]?.tokens).toBe(estimateTokens('No logprobs here.'));
    expect(r.usage).toMatchObject({ inputTokens: 57, outputTokens: 33, calls: 1, costUsd: 0, model: 'fake-model', estimated: false });
  });

  it('drops a step cut off at max_tokens without a final answer, and counts it as invalid', async () => {
    server.route(PATH, () =>
      completionsReply({
        choices: [
          { text: 'The sum of two and three is', finishReason: 'length', stopReason: null, logprob: -2 },
          { text: 'Add them: 2 + 3 = 5.', logprob: -1 },
          { text: 'Then we carry the', finishReason: 'length', stopReason: '\n\n', logprob: -2 },
        ],
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('What is 2 + 3?', [], 3), signal);
    expect(texts(r)).toEqual(['Add them: 2 + 3 = 5.']);
    expect(r.invalidCandidates).toBe(2);
  });

  it("reads llama.cpp's chat-shaped logprobs: the step's logprob and token count", async () => {
    // llama.cpp's /v1/completions answers logprobs in the chat shape, {content: [{token, logprob, top_logprobs}]}.
    server.route(PATH, () => ({
      kind: 'json',
      body: {
        id: 'cmpl-llama',
        object: 'text_completion',
        model: 'qwen2.5-math-7b-instruct-q4_k_m.gguf',
        choices: [
          {
            index: 0,
            text: ' Add: 2 + 3 = 5.',
            logprobs: {
              content: [
                { id: 2691, token: ' Add', bytes: [32, 65, 100, 100], logprob: -0.5, top_logprobs: [{ id: 2691, token: ' Add', logprob: -0.5 }] },
                { id: 25, token: ':', logprob: -0.25, top_logprobs: [{ id: 25, token: ':', logprob: -0.25 }] },
                { id: 220, token: ' 2 + 3 = 5.', logprob: -0.125, top_logprobs: [] },
              ],
            },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 40, completion_tokens: 3, total_tokens: 43 },
      },
    }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('What is 2 + 3?', [], 1), signal);
    expect(texts(r)).toEqual(['Add: 2 + 3 = 5.']);
    expect(Number(r.candidates?.[0]?.step?.logprob)).toBeCloseTo(-0.875, 12);
    expect(r.candidates?.[0]?.step?.tokens).toBe(3);
    expect(r.usage).toMatchObject({ inputTokens: 40, outputTokens: 3, model: 'qwen2.5-math-7b-instruct-q4_k_m.gguf', estimated: false });
  });

  it('does not take a stop string kept in the text for the end of the solution', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: 'Multiply both sides by 2.\n\n', stopReason: null }] }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q'), signal);
    expect(r.candidates?.[0]).toMatchObject({ step: { text: 'Multiply both sides by 2.' }, terminal: false });
  });

  it('drops empty steps, counting them as invalid, and merges repeated ones, keeping the first, uncounted', async () => {
    server.route(PATH, () =>
      completionsReply({
        choices: [
          { text: 'Let x be the price.', logprob: -1 },
          { text: '   ', logprob: -0.1 },
          { text: ' Let x be the price.  ', logprob: -2 },
          { text: '', logprob: null },
          { text: 'Let y be the cost.', logprob: -4 },
        ],
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q', [], 5), signal);
    expect(texts(r)).toEqual(['Let x be the price.', 'Let y be the cost.']);
    expect(Number(r.candidates?.[0]?.step?.logprob)).toBeCloseTo(-1, 9);
    // The two empty ones; the repeat is a valid step.
    expect(r.invalidCandidates).toBe(2);
  });

  it('estimates usage when the server sends none, and says so', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: 'Step one.', logprob: -1 }, { text: 'Step two.', logprob: null }], usage: null }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('What is 2 + 3?', [], 2), signal);
    const prompt = server.requestsTo(PATH)[0]?.body.prompt as string;
    expect(r.usage).toMatchObject({
      inputTokens: estimateTokens(prompt),
      outputTokens: pseudoTokens('Step one.').length + estimateTokens('Step two.'),
      model: 'fake-model',
      estimated: true,
      calls: 1,
    });
  });

  it('splits k candidates into requests of at most MAX_N, in parallel, and sums their usage', async () => {
    let next = 0;
    server.route(PATH, (r) => completionsReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: `Idea ${next++}.` })), usage: { prompt: 100, completion: 5 * (r.body.n ?? 1) } }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { maxN: 4 }));
    const r = await policy.propose(mathRequest('q', [], 10, { seed: '7' }), signal);
    const sent = server.requestsTo(PATH).map((q) => q.body);
    expect(sent.map((b) => b.n)).toEqual([4, 3, 3]);
    expect(sent.map((b) => b.seed).sort()).toEqual([7, 8, 9]);
    expect(r.candidates).toHaveLength(10);
    expect(new Set(texts(r)).size).toBe(10);
    expect(r.usage).toMatchObject({ inputTokens: 300, outputTokens: 50, calls: 1, estimated: false });
  });

  it('asks again for the choices a server left out, at most as many per request as it answered, and ignores extra ones', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: 'One.' }, { text: 'Two.' }] }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl), { log: { info: () => {}, warn: () => {} } });
    const few = await policy.propose(mathRequest('q', [], 5), signal);
    expect(texts(few)).toEqual(['One.', 'Two.']);
    expect(server.requestsTo(PATH).map((r) => r.body.n)).toEqual([5, 2, undefined]);
    const capped = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(mathRequest('q', [], 1), signal);
    expect(texts(capped)).toEqual(['One.']);
  });

  it('uses the configured model name when the reply names none, and the system prompt override', async () => {
    server.route(PATH, () => {
      const reply = completionsReply({ choices: [{ text: 'Go.' }] });
      if (reply.kind === 'json') delete (reply.body as { model?: string }).model;
      return reply;
    });
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { systemPrompt: 'Think like a tutor.' }));
    const r = await policy.propose(mathRequest('q'), signal);
    expect(r.usage?.model).toBe('test-model');
    expect(server.requestsTo(PATH)[0]?.body.prompt).toBe('Think like a tutor.\n\nQuestion: q\n\n');
  });
});
