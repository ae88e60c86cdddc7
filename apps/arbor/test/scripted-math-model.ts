// A scripted "model" for tests of the real backends against the fake model server: from each state it proposes
// the right next step and a wrong one (right ones more likely), and its PRM scores wrong steps low.
import { completionsReply, poolingReply, type FakeRequest, type FakeRoute } from '@arbor/testing';

export const QUESTION = 'A baker fills 6 trays with 8 rolls each and sells all but 5 rolls. How many rolls does she sell?';
export const REFERENCE = '43';

/** Right and wrong next steps, by how many right steps the prompt already holds. */
export const RIGHT = ['There are 6 trays with 8 rolls each.', 'So she bakes 6 * 8 = 48 rolls.', 'She sells 48 - 5 = 43 rolls.', 'The answer is \\boxed{43}.'];
export const WRONG = ['There are 6 + 8 = 14 rolls.', 'So she bakes 6 * 8 = 46 rolls.', 'She sells 48 - 5 = 42 rolls.', 'The answer is \\boxed{42}.'];

export function promptText(request: FakeRequest): string {
  const body = request.body as { prompt?: string | string[]; messages?: { content: string }[] };
  if (typeof body.prompt === 'string') return body.prompt;
  return (body.messages ?? []).map((m) => m.content).join('\n');
}

/** Right steps already in a request's prompt. */
export function rightStepsIn(request: FakeRequest): number {
  const prompt = promptText(request);
  return RIGHT.filter((step) => prompt.includes(step)).length;
}

export const proposeScripted: FakeRoute = (request) => {
  const done = rightStepsIn(request);
  const n = Math.max(1, Number((request.body as { n?: number }).n ?? 1));
  const options = [RIGHT[done] ?? RIGHT.at(-1)!, WRONG[done] ?? WRONG.at(-1)!];
  return completionsReply({
    model: 'fake/math-policy',
    choices: Array.from({ length: n }, (_, i) => ({ text: ` ${options[i % 2]}`, logprob: i % 2 === 0 ? -0.5 : -2 })),
    usage: { prompt: 40 + 10 * done, completion: 12 * n },
  });
};

/** One [p_neg, p_pos] row per `<extra_0>` (the Qwen2.5-Math-PRM step tag): wrong steps score low. */
export const scoreScripted: FakeRoute = (request) => {
  const inputs = (request.body as { input: string[] }).input;
  const rows = inputs.map((text) => {
    const assistant = text.slice(text.lastIndexOf('assistant'));
    const steps = assistant.split('<extra_0>').slice(0, -1);
    return steps.map((step) => (WRONG.some((w) => step.includes(w)) ? [0.9, 0.1] : [0.05, 0.95]));
  });
  return poolingReply({ model: 'fake/prm', rows, promptTokens: 60 * inputs.length });
};
