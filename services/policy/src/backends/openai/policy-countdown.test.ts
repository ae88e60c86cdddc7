import { chatReply, completionsReply, useFakeModelServer } from '@arbor/testing';
import { countdown } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { countdownInstruction } from './countdown-prompt.js';
import { createOpenAiPolicy } from './policy.js';
import { countdownRequest, signal, testSettings, texts } from './test-support.js';

const PATH = '/v1/completions';
const server = useFakeModelServer();

const FIRST = '13 - 9 = 4 (left: 4 4 10)';
const SECOND = '10 - 4 = 6 (left: 4 6)';

describe('openai policy on countdown', () => {
  it('prompts with the numbers, the target, the step format and the steps so far, one step per line', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: SECOND }] }));
    await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13', [FIRST], 3), signal);
    const body = server.requestsTo(PATH)[0]?.body;
    expect(body.stop).toEqual(['\n']);
    expect(body.prompt.startsWith(countdownInstruction(24))).toBe(true);
    expect(body.prompt).toContain('"a op b = c (left: ...)"');
    expect(body.prompt.endsWith(`\n\nInput: 4 9 10 13\nTarget: 24\n${FIRST}\n`)).toBe(true);
  });

  it("writes a prompt example that the countdown checker accepts", async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: FIRST }] }));
    await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13'), signal);
    const prompt = server.requestsTo(PATH)[0]?.body.prompt as string;
    const example = /Input: ([\d ]+)\nTarget: 24\n((?:.+\n)+)\n/.exec(prompt);
    expect(example).not.toBeNull();
    const steps = (example?.[2] ?? '').trim().split('\n');
    const puzzle = countdown.makePuzzle((example?.[1] ?? '').split(' ').map(Number));
    expect(countdown.replay(puzzle, steps).failure).toBeNull();
    expect(countdown.checkAnswer(puzzle, countdown.composeAnswer(puzzle, steps) ?? '').correct).toBe(true);
  });

  it('drops steps the checker rejects and counts them', async () => {
    server.route(PATH, () =>
      completionsReply({
        choices: [
          { text: FIRST, logprob: -1 },
          // 8 is not among the numbers left.
          { text: '13 - 8 = 5 (left: 4 5 9 10)', logprob: -2 },
          { text: 'Let me think about this carefully', logprob: -3 },
        ],
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13', [], 3), signal);
    expect(texts(r)).toEqual([FIRST]);
    expect(r.invalidCandidates).toBe(2);
    expect(Number(r.candidates?.[0]?.step?.logprob)).toBeCloseTo(-1, 9);
  });

  it('rejects wrong arithmetic and wrong left lists, and merges spellings of one step', async () => {
    server.route(PATH, () =>
      completionsReply({
        choices: [
          { text: ' 13-9=4 (left: 10 4 4)' },
          { text: 'Step 1: 13 - 9 = 4 (left: 4 4 10)' },
          { text: '13 - 9 = 5 (left: 4 5 10)' },
          { text: '13 - 9 = 4 (left: 4 10)' },
          { text: '10 x 4 = 40 (left: 9 13 40)' },
          { text: '' },
        ],
      }),
    );
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13', [], 6), signal);
    expect(texts(r)).toEqual([FIRST, '10 * 4 = 40 (left: 9 13 40)']);
    // Two rejected, one empty; the respelled first step is merged, uncounted.
    expect(r.invalidCandidates).toBe(3);
    expect(r.candidates?.every((c) => !c.terminal && c.answer === '')).toBe(true);
  });

  it('builds on the state the last step claims', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: '10 + 5 = 15 (left: 4 15)' }, { text: SECOND }] }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13', ['13 - 9 = 5 (left: 4 5 10)'], 2), signal);
    expect(texts(r)).toEqual(['10 + 5 = 15 (left: 4 15)']);
    expect(r.invalidCandidates).toBe(1);
  });

  it('marks the step that leaves one number terminal, with the composed answer', async () => {
    server.route(PATH, () => completionsReply({ choices: [{ text: '6 * 4 = 24 (left: 24)' }, { text: '6 + 4 = 10 (left: 10)' }] }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(countdownRequest('4 9 10 13', [FIRST, SECOND], 2), signal);
    expect(r.candidates?.map((c) => [c.step?.text, c.terminal, c.answer])).toEqual([
      ['6 * 4 = 24 (left: 24)', true, '(10-4)*(13-9)'],
      ['6 + 4 = 10 (left: 10)', true, '10-4+13-9'],
    ]);
    const puzzle = countdown.makePuzzle([4, 9, 10, 13]);
    expect(countdown.checkAnswer(puzzle, r.candidates?.[0]?.answer ?? '').correct).toBe(true);
    expect(countdown.checkAnswer(puzzle, r.candidates?.[1]?.answer ?? '').correct).toBe(false);
  });

  it('asks nothing of the server once one number is left', async () => {
    const r = await createOpenAiPolicy(testSettings(server.baseUrl)).propose(
      countdownRequest('4 9 10 13', [FIRST, SECOND, '6 * 4 = 24 (left: 24)'], 3),
      signal,
    );
    expect(r.candidates).toEqual([]);
    expect(r.invalidCandidates).toBe(0);
    expect(r.usage).toMatchObject({ calls: 0, inputTokens: 0, outputTokens: 0 });
    expect(server.requests).toHaveLength(0);
  });

  it('works over chat too, in the user message', async () => {
    server.route('/v1/chat/completions', () => chatReply({ choices: [{ text: SECOND, stopReason: '\n' }, { text: '4 + 4 = 9 (left: 9 10)' }] }));
    const r = await createOpenAiPolicy(testSettings(server.baseUrl, { api: 'chat' })).propose(countdownRequest('4 9 10 13', [FIRST], 2), signal);
    expect(texts(r)).toEqual([SECOND]);
    expect(r.invalidCandidates).toBe(1);
    const body = server.requestsTo('/v1/chat/completions')[0]?.body;
    expect(body.messages[1].content).toBe(`Input: 4 9 10 13\nTarget: 24\n\nSteps so far:\n${FIRST}\n\nWrite only the next step, as one line "a op b = c (left: ...)".`);
    expect(body.stop).toEqual(['\n']);
  });
});
