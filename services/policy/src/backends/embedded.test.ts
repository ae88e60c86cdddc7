import type { ProposeRequest__Output, ProposeResponse } from '@arbor/contracts';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { countdown, estimateTokens } from '@arbor/tasks';
import { describe, expect, it } from 'vitest';
import { scanForGroundTruth } from '@arbor/tasks/honesty';
import { createEmbeddedPolicy } from './embedded.js';

const signal = new AbortController().signal;

function request(question: string, steps: string[] = [], numCandidates = 5, seed = '7', extra: Partial<ProposeRequest__Output['sampling'] & object> = {}): ProposeRequest__Output {
  return {
    problem: { task: 'countdown', id: 'p', question, params: {} },
    prefix: { steps: steps.map((text) => ({ text, logprob: 0, tokens: 0 })) },
    numCandidates,
    sampling: { temperature: 0, topP: 0, maxTokens: 0, seed, stop: [], ...extra },
    callId: 'c',
  };
}

const texts = (r: ProposeResponse): string[] => (r.candidates ?? []).map((c) => c.step?.text ?? '');
// The send-side type allows numbers as strings; the embedded backend always writes numbers.
const logprobs = (r: ProposeResponse): number[] => (r.candidates ?? []).map((c) => Number(c.step?.logprob));

async function fieldOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof InvalidArgumentError) return err.field;
    throw err;
  }
  throw new Error('expected an InvalidArgumentError');
}

describe('embedded policy', () => {
  const policy = createEmbeddedPolicy({ slipRate: 0 });

  it('is deterministic under a seed and varies across seeds', async () => {
    const a = await policy.propose(request('4 9 10 13', [], 6, '123'), signal);
    const b = await policy.propose(request('4 9 10 13', [], 6, '123'), signal);
    expect(texts(a)).toEqual(texts(b));
    expect(logprobs(a)).toEqual(logprobs(b));
    const others = await Promise.all(['1', '2', '3', '18446744073709551615'].map((s) => policy.propose(request('4 9 10 13', [], 6, s), signal)));
    expect(new Set([a, ...others].map((r) => texts(r).join('|'))).size).toBe(5);
  });

  it('proposes distinct legal moves that the step checker accepts', async () => {
    for (const seed of ['1', '2', '3', '4', '5']) {
      const r = await policy.propose(request('4 9 10 13', [], 12, seed), signal);
      expect(r.candidates).toHaveLength(12);
      const state = countdown.initialState(countdown.makePuzzle([4, 9, 10, 13]));
      const nexts = texts(r).map((t) => {
        const v = countdown.checkStep(state, t);
        expect(v.valid).toBe(true);
        return v.valid ? countdown.formatState(v.next) : '';
      });
      expect(new Set(nexts).size).toBe(12);
    }
  });

  it('returns fewer candidates when there are fewer legal moves', async () => {
    const r = await policy.propose(request('2 2', [], 10), signal);
    expect(texts(r).sort()).toEqual(['2 + 2 = 4 (left: 4)', '2 - 2 = 0 (left: 0)', '2 / 2 = 1 (left: 1)']);
    const done = await policy.propose(request('4 6', ['6 * 4 = 24 (left: 24)'], 3), signal);
    expect(done.candidates).toEqual([]);
  });

  it('reports log-probabilities of a normalised prior', async () => {
    const r = await policy.propose(request('4 9 10 13', [], 64), signal);
    const probs = logprobs(r).map(Math.exp);
    expect(probs).toHaveLength(36);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(probs.every((p) => p > 0 && p < 1)).toBe(true);
  });

  it('prefers integer moves toward the target but keeps fractions possible', async () => {
    const r = await policy.propose(request('3 3 8 8', [], 64), signal);
    const lp = logprobs(r);
    const byText = new Map(texts(r).map((t, i) => [t, lp[i] ?? Number.NaN]));
    const fraction = byText.get('8 / 3 = 8/3 (left: 8/3 3 8)') ?? Number.NaN;
    expect(fraction).toBeGreaterThan(Math.log(1e-4));
    expect(byText.get('8 * 3 = 24 (left: 3 8 24)') ?? Number.NaN).toBeGreaterThan(fraction);
    // Near-greedy sampling takes a most likely move first (several can tie).
    const best = Math.max(...byText.values());
    for (const seed of ['1', '2', '3']) {
      const greedy = await policy.propose(request('3 3 8 8', [], 1, seed, { temperature: 1e-6 }), signal);
      expect(logprobs(greedy)[0]).toBeCloseTo(best, 12);
    }
  });

  it('marks terminal candidates and composes their answers', async () => {
    const prefix = ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)'];
    const r = await policy.propose(request('4 9 10 13', prefix, 6), signal);
    expect(r.candidates).toHaveLength(6);
    for (const c of r.candidates ?? []) {
      expect(c.terminal).toBe(true);
      const verdict = countdown.checkAnswer(countdown.makePuzzle([4, 9, 10, 13]), c.answer ?? '');
      expect(verdict.correct).toBe((c.step?.text ?? '').includes('= 24 '));
    }
    const win = (r.candidates ?? []).find((c) => c.step?.text === '6 * 4 = 24 (left: 24)');
    expect(win?.answer).toBe('(10-4)*(13-9)');
    const mid = await policy.propose(request('4 9 10 13', prefix.slice(0, 1), 4), signal);
    expect(mid.candidates?.every((c) => !c.terminal && c.answer === '')).toBe(true);
  });

  it('keeps proposing from the state an invalid prefix claims', async () => {
    const r = await policy.propose(request('4 9 10 13', ['13 - 9 = 5 (left: 4 5 10)'], 64), signal);
    const claimed = countdown.sortState(['4', '5', '10'].map((t) => countdown.parseRational(t) as countdown.Rational));
    expect(texts(r).every((t) => countdown.checkStep(claimed, t).valid)).toBe(true);
    expect(texts(r)).toContain('10 + 5 = 15 (left: 4 15)');
  });

  it('respects top_p by sampling only from the nucleus', async () => {
    const full = await policy.propose(request('4 9 10 13', [], 64), signal);
    const narrow = await policy.propose(request('4 9 10 13', [], 64, '7', { topP: 0.5 }), signal);
    expect(narrow.candidates?.length).toBeGreaterThan(0);
    expect(narrow.candidates?.length).toBeLessThan(full.candidates?.length ?? 0);
  });

  it('reports estimated usage', async () => {
    const prefix = ['13 - 9 = 4 (left: 4 4 10)'];
    const r = await policy.propose(request('4 9 10 13', prefix, 3), signal);
    const prompt = countdown.renderPrompt(countdown.makePuzzle([4, 9, 10, 13]), prefix);
    expect(r.usage).toMatchObject({ inputTokens: estimateTokens(prompt), calls: 1, costUsd: 0, model: 'embedded/countdown-policy', estimated: true });
    expect(r.usage?.outputTokens).toBe(texts(r).reduce((sum, t) => sum + estimateTokens(t), 0));
    expect(r.candidates?.every((c) => c.step?.tokens === estimateTokens(c.step?.text ?? ''))).toBe(true);
    expect(Number(r.usage?.computeMs)).toBeGreaterThanOrEqual(0);
  });
});

describe('embedded policy slips', () => {
  it('writes wrong arithmetic with a consistent left list at slip rate 1', async () => {
    const policy = createEmbeddedPolicy({ slipRate: 1 });
    const puzzle = countdown.makePuzzle([4, 9, 10, 13]);
    for (const seed of ['1', '2', '3']) {
      const r = await policy.propose(request('4 9 10 13', [], 10, seed), signal);
      expect(r.candidates).toHaveLength(10);
      expect(new Set(texts(r)).size).toBe(10);
      for (const text of texts(r)) {
        const verdict = countdown.checkStep(countdown.initialState(puzzle), text);
        expect(verdict.valid ? 'valid' : verdict.reason).toBe('wrong_result');
        // The same replay the reward backend runs: the step earns no credit.
        expect(countdown.replay(puzzle, [text]).validSteps).toBe(0);
        const step = countdown.parseStep(text);
        expect(step?.left?.some((x) => x.equals(step.result))).toBe(true);
        expect(step?.left).toHaveLength(3);
      }
    }
  });

  it('slips at about the configured rate', async () => {
    const policy = createEmbeddedPolicy({ slipRate: 0.3 });
    const puzzle = countdown.makePuzzle([4, 9, 10, 13]);
    let slipped = 0;
    let total = 0;
    for (let seed = 0; seed < 100; seed++) {
      const r = await policy.propose(request('4 9 10 13', [], 10, String(seed)), signal);
      for (const text of texts(r)) {
        total++;
        if (!countdown.checkStep(countdown.initialState(puzzle), text).valid) slipped++;
      }
    }
    expect(slipped / total).toBeGreaterThan(0.25);
    expect(slipped / total).toBeLessThan(0.35);
  });

  it('gives a slipped final step a composed answer that is judged on its true value', async () => {
    const policy = createEmbeddedPolicy({ slipRate: 1 });
    const r = await policy.propose(request('4 9 10 13', ['13 - 9 = 4 (left: 4 4 10)', '10 - 4 = 6 (left: 4 6)'], 6), signal);
    for (const c of r.candidates ?? []) {
      expect(c.terminal).toBe(true);
      expect(c.answer).toMatch(/^[\d()+\-*/]+$/);
      expect(c.step?.tokens).toBe(estimateTokens(c.step?.text ?? '') + estimateTokens(`\nAnswer: ${c.answer ?? ''}`));
    }
  });
});

describe('embedded policy request validation', () => {
  const policy = createEmbeddedPolicy({ slipRate: 0 });

  it.each([0, 65, 2.5, -1])('rejects num_candidates %s', async (n) => {
    expect(await fieldOf(policy.propose(request('4 9 10 13', [], n), signal))).toBe('num_candidates');
  });

  it('rejects bad problems and sampling', async () => {
    expect(await fieldOf(policy.propose(request('4 x 10'), signal))).toBe('problem.question');
    expect(await fieldOf(policy.propose(request(''), signal))).toBe('problem.question');
    expect(await fieldOf(policy.propose({ ...request('4 6'), problem: null }, signal))).toBe('problem');
    expect(await fieldOf(policy.propose({ ...request('4 6'), problem: { task: 'math', id: '', question: '1+1', params: {} } }, signal))).toBe('problem.task');
    expect(await fieldOf(policy.propose(request('4 6', [], 2, 'abc'), signal))).toBe('sampling.seed');
    expect(await fieldOf(policy.propose(request('4 6', [], 2, '18446744073709551616'), signal))).toBe('sampling.seed');
    expect(await fieldOf(policy.propose(request('4 6', [], 2, '1', { temperature: -1 }), signal))).toBe('sampling.temperature');
    expect(await fieldOf(policy.propose(request('4 6', [], 2, '1', { topP: 1.5 }), signal))).toBe('sampling.top_p');
  });

  it('rejects a slip rate outside [0, 1] at construction', () => {
    expect(() => createEmbeddedPolicy({ slipRate: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => createEmbeddedPolicy({ slipRate: Number.NaN })).toThrow(InvalidArgumentError);
  });

  it('does not start work for an aborted call', async () => {
    const aborted = AbortSignal.abort();
    await expect(policy.propose(request('4 6'), aborted)).rejects.toMatchObject({ kind: 'cancelled' });
  });
});

describe('embedded policy sources', () => {
  it('never reach for the solver or the dataset', () => {
    const scan = scanForGroundTruth(new URL('./', import.meta.url), 'embedded');
    expect(scan.files.length).toBeGreaterThanOrEqual(5);
    expect(scan.offenders).toEqual([]);
  });
});
