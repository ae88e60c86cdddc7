// The openai policy against what particular servers do: llama.cpp refusing `n`, Ollama answering one choice,
// SGLang's matched_stop and deterministic sampling, OpenAI's limits and reasoning models, and vLLM continuing a
// message whose chat template trims it. Each adaptation is logged once.
import { chatReply, completionsReply, errorReply, useFakeModelServer, type FakeRequest } from '@arbor/testing';
import { describe, expect, it } from 'vitest';
import type { NoticeLogger } from './adaptation.js';
import { createOpenAiPolicy } from './policy.js';
import { countdownRequest, mathRequest, rejection, signal, testSettings, texts } from './test-support.js';

const COMPLETIONS = '/v1/completions';
const CHAT = '/v1/chat/completions';
const server = useFakeModelServer();

/** A logger that keeps what it is told. */
function notices() {
  const lines: { level: 'info' | 'warn'; fields: Record<string, unknown>; message: string }[] = [];
  const log: NoticeLogger = {
    info: (fields, message) => lines.push({ level: 'info', fields, message }),
    warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
  };
  return { lines, log, events: () => lines.map((l) => l.fields.event) };
}

/** One distinct step per choice, named by the request's seed. */
const distinct = (r: FakeRequest) => Array.from({ length: r.body.n ?? 1 }, (_, i) => ({ text: `Step ${r.body.seed ?? 's'}-${i}.` }));

describe('servers that take fewer choices than asked (llama.cpp, Ollama)', () => {
  it.each([
    ['llama.cpp before slots served n', 400, 'Only one completion choice is allowed'],
    ['llama.cpp with "Illegal param"', 400, 'Illegal param: only one completion choice is allowed'],
    ['llama.cpp answering 500', 500, 'Only one completion choice is allowed'],
  ])('%s: asks one choice per request from then on, logged once', async (_, status, message) => {
    server.route(COMPLETIONS, (r) => ((r.body.n ?? 1) > 1 ? errorReply(status, message, { 'retry-after': '0' }) : completionsReply({ choices: distinct(r) })));
    const { log, lines } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { maxAttempts: 2 }), { log });
    const first = await policy.propose(mathRequest('q', [], 4, { seed: '5' }), signal);
    expect(texts(first)).toEqual(['Step 6-0.', 'Step 7-0.', 'Step 8-0.', 'Step 9-0.']);
    const refused = server.requestsTo(COMPLETIONS).filter((r) => r.body.n === 4);
    expect(refused).toHaveLength(status === 500 ? 2 : 1);
    server.requests.length = 0;
    const second = await policy.propose(mathRequest('q', [], 3, { seed: '20' }), signal);
    expect(texts(second)).toHaveLength(3);
    expect(server.requestsTo(COMPLETIONS).map((r) => r.body.n)).toEqual([undefined, undefined, undefined]);
    expect(lines).toEqual([{ level: 'warn', fields: expect.objectContaining({ event: 'policy_max_n_lowered', maxN: 1 }), message: expect.stringContaining('ARBOR_POLICY_MAX_N=1') }]);
  });

  it.each([
    // server-schema.cpp's hard limit names the bound: one refusal.
    ['naming its bound', "Field 'n': Value must be between 1 <= value <= 2, but got 8", [8]],
    // server-task.cpp's does not: halved until served.
    ['naming none', 'n_cmpl cannot be greater than the number of slots, please increase -np', [8, 4, 4]],
  ])('llama.cpp capping n at its slots, %s: finds the n it serves', async (_, message, refusedNs) => {
    server.route(COMPLETIONS, (r) => ((r.body.n ?? 1) > 2 ? errorReply(400, message) : completionsReply({ choices: distinct(r) })));
    const { log, lines } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl), { log });
    const r = await policy.propose(countdownRequest('4 9 10 13', [], 8, { seed: '1' }), signal);
    expect(r.invalidCandidates).toBe(8);
    const served = server.requestsTo(COMPLETIONS).filter((q) => (q.body.n ?? 1) <= 2);
    expect(served.map((q) => q.body.n)).toEqual([2, 2, 2, 2]);
    expect(server.requestsTo(COMPLETIONS).filter((q) => q.body.n > 2).map((q) => q.body.n)).toEqual(refusedNs);
    expect(lines.at(-1)?.fields).toMatchObject({ event: 'policy_max_n_lowered', maxN: 2 });
    server.requests.length = 0;
    await policy.propose(countdownRequest('4 9 10 13', [], 8, { seed: '1' }), signal);
    expect(server.requestsTo(COMPLETIONS).map((q) => q.body.n)).toEqual([2, 2, 2, 2]);
  });

  it('two calls refused at once: the one whose lesson the other learned asks again too, and neither comes back empty', async () => {
    server.route(COMPLETIONS, (r) =>
      (r.body.n ?? 1) > 2 ? errorReply(400, "Field 'n': Value must be between 1 <= value <= 2, but got 8") : completionsReply({ choices: distinct(r) }),
    );
    const policy = createOpenAiPolicy(testSettings(server.baseUrl), { log: notices().log });
    const [a, b] = await Promise.all([
      policy.propose(mathRequest('q', [], 8, { seed: '1' }), signal),
      policy.propose(mathRequest('q', [], 8, { seed: '100' }), signal),
    ]);
    expect(texts(a)).toHaveLength(8);
    expect(texts(b)).toHaveLength(8);
  });

  it('Ollama answering one choice whatever n asks: asks again for the rest, then one per request', async () => {
    server.route(CHAT, (r) => chatReply({ choices: distinct(r).slice(0, 1), dialect: 'plain' }));
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', server: 'ollama' }), { log });
    const r = await policy.propose(mathRequest('q', [], 3, { seed: '10' }), signal);
    expect(texts(r)).toEqual(['Step 10-0.', 'Step 11-0.', 'Step 12-0.']);
    expect(server.requestsTo(CHAT).map((q) => q.body.n)).toEqual([3, undefined, undefined]);
    expect(events()).toEqual(['policy_max_n_lowered']);
  });

  it('still fails on a refusal that is not about n, without asking again', async () => {
    server.route(COMPLETIONS, () => errorReply(400, "This model's maximum context length is 4096 tokens"));
    const err = await rejection(createOpenAiPolicy(testSettings(server.baseUrl), { log: notices().log }).propose(mathRequest('q', [], 4), signal));
    expect(err.kind).toBe('failed_precondition');
    expect(server.requestsTo(COMPLETIONS)).toHaveLength(1);
  });
});

describe("SGLang's matched_stop", () => {
  it('takes a token id for the end of the solution and a string for a stop string', async () => {
    server.route(COMPLETIONS, () =>
      completionsReply({
        dialect: 'sglang',
        choices: [
          { text: 'Therefore the number is five.', stopReason: 151645 },
          { text: 'Divide both sides by 2.', stopReason: '\n\n' },
          { text: 'The number is', finishReason: 'length', stopReason: null },
        ],
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { server: 'sglang' })).propose(mathRequest('q', ['Let it be x.'], 3), signal);
    expect(r.candidates?.map((c) => [c.step?.text, c.terminal])).toEqual([
      ['Therefore the number is five.', true],
      ['Divide both sides by 2.', false],
    ]);
    expect(r.invalidCandidates).toBe(1);
  });
});

describe('seeded requests that sample alike (SGLang --enable-deterministic-inference)', () => {
  /** n copies of one sample per seed, each token likely but the whole step not. */
  const bySeed = (r: FakeRequest) => completionsReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: `Try ${r.body.seed} first.`, logprob: -4 })) });

  it('sends seeded candidates to SGLang one per request, each with its own seed', async () => {
    server.route(COMPLETIONS, bySeed);
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { server: 'sglang' })).propose(mathRequest('q', [], 3, { seed: '30' }), signal);
    expect(texts(r)).toEqual(['Try 30 first.', 'Try 31 first.', 'Try 32 first.']);
    expect(server.requestsTo(COMPLETIONS).map((q) => [q.body.n, q.body.seed])).toEqual([
      [undefined, 30],
      [undefined, 31],
      [undefined, 32],
    ]);
  });

  it('elsewhere, detects copies too unlikely to be chance, logs it once, and seeds the rest apart', async () => {
    server.route(COMPLETIONS, bySeed);
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl), { log });
    // At temperature 1 and top_p 1 the raw logprobs are the sampler's own, so the test is sound there.
    const r = await policy.propose(mathRequest('q', [], 4, { seed: '7', temperature: 1 }), signal);
    expect(texts(r)).toEqual(['Try 7 first.', 'Try 8 first.', 'Try 9 first.', 'Try 10 first.']);
    expect(server.requestsTo(COMPLETIONS).map((q) => q.body.n)).toEqual([4, undefined, undefined, undefined]);
    await policy.propose(mathRequest('q', [], 2, { seed: '50', temperature: 1 }), signal);
    expect(events()).toEqual(['policy_seeded_copies']);
  });

  it('does not take copies for a server sampling by seed below temperature 1, where raw logprobs understate the sampler', async () => {
    server.route(COMPLETIONS, bySeed);
    const { log, lines } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl), { log });
    const r = await policy.propose(mathRequest('q', [], 4, { seed: '7', temperature: 0.7 }), signal);
    expect(texts(r)).toEqual(['Try 7 first.']);
    expect(server.requestsTo(COMPLETIONS)).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('takes copies of a step the model is sure of for what they are', async () => {
    server.route(COMPLETIONS, (r) => completionsReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: 'Add 2 and 3.', logprob: -0.01 })) }));
    const { log, lines } = notices();
    const r = await createOpenAiPolicy(testSettings(server.baseUrl), { log }).propose(mathRequest('q', [], 4, { seed: '7' }), signal);
    expect(texts(r)).toEqual(['Add 2 and 3.']);
    expect(server.requestsTo(COMPLETIONS)).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});

describe('OpenAI', () => {
  const openai = { api: 'chat' as const, server: 'openai' as const };

  it('caps temperature at 2 and sends at most 4 stop strings, cutting at the others here, each logged once', async () => {
    server.route(CHAT, () => chatReply({ choices: [{ text: 'Halve both sides.###Then x = 5.', logprob: -2 }], dialect: 'plain' }));
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, openai), { log });
    const stop = ['\n\n', 'Step', 'Answer:', '</step>', '###', '\n\n\n'];
    const r = await policy.propose(mathRequest('q', [], 1, { temperature: 2.5, stop }), signal);
    await policy.propose(mathRequest('q', [], 1, { temperature: 2.5, stop }), signal);
    const body = server.requestsTo(CHAT)[0]?.body;
    expect(body).toMatchObject({ temperature: 2, stop: stop.slice(0, 4), max_completion_tokens: 256 });
    expect(body).not.toHaveProperty('max_tokens');
    expect(r.candidates?.[0]?.step?.text).toBe('Halve both sides.');
    // The cut step's logprob covers its own tokens ("Halve", " both", " sides.###Then"), not the 3 after.
    expect(Number(r.candidates?.[0]?.step?.logprob)).toBeCloseTo(-2 * (3 / 6), 9);
    expect(events()).toEqual(['policy_temperature_clamped', 'policy_stops_local']);
  });

  it('asks a reasoning model for max_completion_tokens alone, cuts its answer at the delimiter, and says what that loses', async () => {
    server.route(CHAT, () => chatReply({ choices: [{ text: 'Let the number be x.\n\nThen 2x = 10.', logprob: null }, { text: 'Call it x.', logprob: null }], dialect: 'plain' }));
    const { log, lines } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { ...openai, model: 'o4-mini', reasoning: true, reasoningEffort: 'low', maxTokens: 4000 }), { log });
    const r = await policy.propose(mathRequest('Twice a number is 10.', [], 2, { seed: '3', temperature: 0.5 }), signal);
    await policy.propose(mathRequest('Twice a number is 10.', [], 2), signal);
    const body = server.requestsTo(CHAT)[0]?.body;
    expect(Object.keys(body).sort()).toEqual(['max_completion_tokens', 'messages', 'model', 'n', 'reasoning_effort']);
    expect(body).toMatchObject({ model: 'o4-mini', n: 2, max_completion_tokens: 4000, reasoning_effort: 'low' });
    expect(r.candidates?.map((c) => [c.step?.text, Number(c.step?.logprob), c.terminal])).toEqual([
      ['Let the number be x.', 0, false],
      ['Call it x.', 0, false],
    ]);
    expect(lines).toEqual([{ level: 'info', fields: expect.objectContaining({ event: 'policy_reasoning_mode' }), message: expect.stringContaining('MCTS priors are uniform') }]);
  });
});

describe('continued chat under a template that trims the message (stock Llama 3.x on vLLM)', () => {
  const STEPS = ['Let the number be x.', 'Then 2x = 10.'];
  /**
   * vLLM behind a trimming template: the message comes back without its final "\n\n", so the model writes it
   * first and the stop fires, unless min_tokens holds the stop back for that first token.
   */
  const trimming = (r: FakeRequest) => {
    const n = r.body.n ?? 1;
    if (r.body.min_tokens === 1) return chatReply({ choices: Array.from({ length: n }, (_, i) => ({ text: `\n\nSo x = ${5 + i}.`, stopReason: '\n\n' })) });
    return chatReply({ choices: Array.from({ length: n }, () => ({ text: '', stopReason: '\n\n' })), usage: { prompt: 80, completion: n } });
  };

  it('auto: sees every step come back empty, ends the prefix before the delimiter from then on, and says so once', async () => {
    server.route(CHAT, trimming);
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true }), { log });
    const r = await policy.propose(mathRequest('q', STEPS, 2), signal);
    expect(texts(r)).toEqual(['So x = 5.', 'So x = 6.']);
    expect(r.invalidCandidates).toBe(0);
    const [closed, open] = server.requestsTo(CHAT).map((q) => q.body);
    expect(closed.messages.at(-1)).toEqual({ role: 'assistant', content: 'Let the number be x.\n\nThen 2x = 10.\n\n' });
    expect(closed).not.toHaveProperty('min_tokens');
    expect(open.messages.at(-1)).toEqual({ role: 'assistant', content: 'Let the number be x.\n\nThen 2x = 10.' });
    expect(open).toMatchObject({ continue_final_message: true, add_generation_prompt: false, min_tokens: 1 });
    // The empty round was generated, and is paid for.
    expect(r.usage?.inputTokens).toBe(80 + 10);
    server.requests.length = 0;
    await policy.propose(mathRequest('q', STEPS, 2), signal);
    expect(server.requestsTo(CHAT).map((q) => q.body.min_tokens)).toEqual([1]);
    expect(events()).toEqual(['policy_chat_prefix_open']);
  });

  it('auto: one empty sample is not enough to switch (it may be the model\'s own); a second one, in another call, is', async () => {
    server.route(CHAT, trimming);
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true }), { log });
    const first = await policy.propose(mathRequest('q', STEPS, 1), signal);
    expect(first.candidates).toEqual([]);
    expect(events()).toEqual([]);
    const second = await policy.propose(mathRequest('q', STEPS, 1), signal);
    expect(texts(second)).toEqual(['So x = 5.']);
    expect(events()).toEqual(['policy_chat_prefix_open']);
  });

  it('closed: keeps the prefix, counts the empty steps, and says once what to set', async () => {
    server.route(CHAT, trimming);
    const { log, events } = notices();
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true, chatPrefix: 'closed' }), { log });
    const r = await policy.propose(mathRequest('q', STEPS, 2), signal);
    await policy.propose(mathRequest('q', STEPS, 2), signal);
    expect(r.candidates).toEqual([]);
    expect(r.invalidCandidates).toBe(2);
    expect(server.requestsTo(CHAT)).toHaveLength(2);
    expect(events()).toEqual(['policy_chat_prefix_trimmed']);
  });

  it('fails FAILED_PRECONDITION, saying what to do, when even an open prefix comes back empty', async () => {
    server.route(CHAT, (r) => chatReply({ choices: Array.from({ length: r.body.n ?? 1 }, () => ({ text: '', stopReason: '\n\n' })) }));
    const policy = createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true }), { log: notices().log });
    const err = await rejection(policy.propose(mathRequest('q', STEPS, 2), signal));
    expect(err.kind).toBe('failed_precondition');
    expect(err.message).toContain('--chat-template');
    expect(err.message).not.toContain('2x = 10');
  });

  it('leaves a server that keeps the delimiter alone', async () => {
    server.route(CHAT, (r) => chatReply({ choices: distinct(r), dialect: 'sglang' }));
    const { log, lines } = notices();
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat', chatContinue: true, server: 'sglang' }), { log }).propose(mathRequest('q', STEPS, 2), signal);
    expect(texts(r)).toHaveLength(2);
    const [sent] = server.requestsTo(CHAT).map((q) => q.body);
    expect(sent).toMatchObject({ continue_final_message: true });
    expect(sent).not.toHaveProperty('add_generation_prompt');
    expect(lines).toEqual([]);
  });
});
