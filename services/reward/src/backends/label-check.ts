// The label-order check of a process reward model (ARBOR_REWARD_PRM_LABEL_CHECK): before the first score, the
// model scores two fixed known-correct steps and two known-wrong ones (no caller's data), and the service refuses
// to serve when the wrong ones do not come out clearly lower. A positive index pointing at the wrong column, a
// preset that does not fit the model, or a server returning other numbers than the labels (vLLM's pooling adapter
// reading hidden-state dimensions as labels) all pass every width and distribution check and fail this one.
//
// A served service runs it before it listens (a failure stops it with the message); in process, the first call
// runs it. A failed check fails every call after it with the same FAILED_PRECONDITION; a server that could not be
// reached is asked again with the next call.
import type { Problem__Output } from '@arbor/contracts';
import { createLogger, untilAborted, type Logger } from '@arbor/kit';
import { FailedPreconditionError, isArborError, RETRYABLE_KINDS } from '@arbor/kit/errors';
import type { RewardBackend, RewardItem } from '../backend.js';
import type { PrmFormat } from './prm-format.js';

/** The least a known-correct step must score above a known-wrong one of the same problem. */
export const LABEL_CHECK_MIN_GAP = 0.1;

interface ProbePair {
  problem: Problem__Output;
  right: string;
  wrong: string;
}

/** Fixed, trivially checkable one-step solutions; the wrong ones differ only in the arithmetic. */
export const LABEL_CHECK_PAIRS: readonly ProbePair[] = [
  {
    problem: { task: 'math', id: 'arbor-label-check-1', question: 'What is 6 times 7?', params: {} },
    right: '6 * 7 = 42, so the answer is \\boxed{42}.',
    wrong: '6 * 7 = 48, so the answer is \\boxed{48}.',
  },
  {
    problem: { task: 'math', id: 'arbor-label-check-2', question: 'Tom has 3 apples and buys 5 more. How many apples does he have now?', params: {} },
    right: 'Tom has 3 + 5 = 8 apples, so the answer is \\boxed{8}.',
    wrong: 'Tom has 3 + 5 = 15 apples, so the answer is \\boxed{15}.',
  },
];

export interface LabelCheckScores {
  right: number;
  wrong: number;
}

/** The step rewards of the probe pairs, scored by `backend` as any batch is. */
export async function labelCheckScores(backend: RewardBackend, signal: AbortSignal): Promise<LabelCheckScores[]> {
  const step = (text: string) => ({ steps: [{ text, logprob: 0, tokens: 0 }] });
  const items: RewardItem[] = LABEL_CHECK_PAIRS.flatMap((p) => [
    { problem: p.problem, trajectory: step(p.right) },
    { problem: p.problem, trajectory: step(p.wrong) },
  ]);
  const { rewards } = await backend.score(items, signal);
  return LABEL_CHECK_PAIRS.map((_, i) => ({ right: Number(rewards[2 * i]?.stepRewards?.[0]), wrong: Number(rewards[2 * i + 1]?.stepRewards?.[0]) }));
}

/** Undefined when the labels read right; else why not, naming the settings to look at. */
export function labelCheckProblem(scores: readonly LabelCheckScores[], prm: Pick<PrmFormat, 'preset' | 'route' | 'positiveIndex'>): string | undefined {
  if (scores.every((s) => s.right - s.wrong >= LABEL_CHECK_MIN_GAP)) return undefined;
  const reversed = scores.some((s) => s.right < s.wrong);
  const shown = scores.map((s) => `${round(s.right)} vs ${round(s.wrong)}`).join(', ');
  const what = reversed ? 'a known-wrong step scored above a known-correct one' : `known-correct steps did not score at least ${LABEL_CHECK_MIN_GAP} above known-wrong ones`;
  const look =
    prm.route === 'pooling'
      ? reversed
        ? `the positive label is probably the other column: check ARBOR_REWARD_PRM_POSITIVE_INDEX (reading ${prm.positiveIndex})`
        : `the server's rows are probably not this model's labels: check ARBOR_REWARD_PRM_PRESET (${prm.preset}) and how the model is served`
      : `check ARBOR_REWARD_PRM_PRESET (${prm.preset}) against ARBOR_REWARD_MODEL`;
  return (
    `the process reward model failed the label-order check (correct vs wrong step: ${shown}): ${what}; ${look}. ` +
    'Set ARBOR_REWARD_PRM_LABEL_CHECK=false to serve a model this check cannot read'
  );
}

function round(p: number): string {
  return Number.isFinite(p) ? p.toFixed(3) : String(p);
}

/**
 * `inner` with the check run once before its first score (and by start(), for a served service). Its own usage is
 * not charged to any caller.
 */
export function withLabelCheck(inner: RewardBackend, prm: Pick<PrmFormat, 'preset' | 'route' | 'positiveIndex'>): RewardBackend {
  let logger: Logger | undefined;
  const log = (): Logger => (logger ??= createLogger('reward', { level: process.env.LOG_LEVEL ?? 'warn' }));
  let passed = false;
  let running: Promise<void> | undefined;

  async function run(): Promise<void> {
    // Not tied to one caller: the check is shared by every call waiting on it, and the HTTP client's timeout ends it.
    const scores = await labelCheckScores(inner, new AbortController().signal);
    const problem = labelCheckProblem(scores, prm);
    if (problem) {
      log().error({ preset: prm.preset, scores }, 'process reward model failed the label-order check; refusing to serve');
      throw new FailedPreconditionError(problem);
    }
    log().info({ preset: prm.preset, scores }, 'process reward model passed the label-order check');
    passed = true;
  }

  function checked(): Promise<void> {
    if (passed) return Promise.resolve();
    running ??= run().catch((err: unknown) => {
      // Unreachable, or too slow: not a verdict on the labels, so ask again with the next call.
      const verdict = isArborError(err) && !RETRYABLE_KINDS.has(err.kind);
      if (!verdict) running = undefined;
      throw err;
    });
    return running;
  }

  return {
    name: inner.name,
    check: (problem) => inner.check(problem),
    async start(serviceLogger, signal) {
      logger = serviceLogger;
      await inner.start?.(serviceLogger, signal);
      try {
        await untilAborted(checked(), signal, 'label-order check: cancelled by the caller');
      } catch (err) {
        if (!isArborError(err) || !RETRYABLE_KINDS.has(err.kind)) throw err;
        // The model server is not up yet: serve, and check before the first call is answered.
        serviceLogger.warn({ kind: err.kind, err }, 'could not run the label-order check yet (reward model server unreachable); running it before the first call');
      }
    },
    async score(items, signal) {
      await untilAborted(checked(), signal, 'label-order check: cancelled by the caller');
      return inner.score(items, signal);
    },
  };
}

