// How a process reward model reads a trajectory (input text with a step tag after every step) and where its
// verdict on each step is, per model family. Two routes:
//   - pooling: a model with a reward head (Qwen2.5-Math-PRM), served by vLLM as a pooling model; POST /pooling
//     returns one row of label scores per step tag, and the step reward is the positive label's column.
//   - next-token: a language model trained to say "+" or "-" after each step tag (Math-Shepherd), served as the
//     generative model it is; for each step, /v1/completions continues the text up to that step's tag by one token,
//     and the step reward is P(+) / (P(+) + P(-)) from the top logprobs. vLLM's pooling adapter cannot read it:
//     it drops lm_head, so STEP pooling's `returned_token_ids` pick hidden-state dimensions, not the + and -
//     logits (vllm-project/vllm#16545), and its rows still look like two labels summing to one.
import type { VerdictOf } from '@arbor/judge';
import { FailedPreconditionError, UnavailableError } from '@arbor/kit/errors';
import type { PrmPreset } from '../config.js';

export type PrmRoute = 'pooling' | 'next-token';

export interface PrmFormat {
  preset: PrmPreset;
  route: PrmRoute;
  /** The step tag: pooling reads one row per occurrence; next-token reads the token the model says after it. */
  stepTag: string;
  /** Column of the positive label ("the step is correct") in each row. */
  positiveIndex: number;
  /** Scores in every row: the model's labels. A row of any other width means the server is set up wrong. */
  labels: number;
  /** How to start the server so that it answers as this preset reads: the fix an error names. */
  serveHint: string;
  /** The input text for a problem statement and its steps. */
  render(statement: string, steps: readonly string[]): string;
  /** next-token: which side of the verdict a generated token is on ('yes' is "the step is correct"). */
  verdictOf?: VerdictOf;
}

/** Qwen2.5-Math-PRM's system prompt, which its chat template puts first. */
export const QWEN_PRM_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

interface Preset {
  route: PrmRoute;
  stepTag: string;
  positiveIndex: number;
  labels: number;
  serveHint: string;
  render(statement: string, steps: readonly string[], tag: string): string;
  verdictOf?: VerdictOf;
}

/** Math-Shepherd's labels: "+" (a good step) and "-", which its tokenizer spells "▁+" and "▁-" (ids 648, 387). */
export function plusOrMinus(token: string): 'yes' | 'no' | undefined {
  const bare = token.replace(/^[\sĠ▁]+|\s+$/g, '');
  return bare === '+' ? 'yes' : bare === '-' ? 'no' : undefined;
}

const PRESETS: Record<PrmPreset, Preset> = {
  // The Qwen2 chat template, rendered here because /pooling takes text: the steps make up the assistant turn,
  // each followed by <extra_0>, where the model's two-label head (wrong, right) is read.
  'qwen2.5-math-prm': {
    route: 'pooling',
    stepTag: '<extra_0>',
    positiveIndex: 1,
    labels: 2,
    serveHint: 'start vLLM with `vllm serve Qwen/Qwen2.5-Math-PRM-7B --runner pooling` (older vLLM: --task reward)',
    render: (statement, steps, tag) =>
      `<|im_start|>system\n${QWEN_PRM_SYSTEM}<|im_end|>\n<|im_start|>user\n${statement}<|im_end|>\n<|im_start|>assistant\n` +
      `${steps.map((s) => `${s}${tag}`).join('')}<|im_end|><|endoftext|>`,
  },
  // Math-Shepherd: the question, then each step ended by "ки", steps joined by newlines; trained to say "+" or "-"
  // after each ки (its model card reads the logits of those two tokens there). Asked one step at a time: the text
  // up to that step's ки, continued by one token. A causal model sees the same prefix at that ки in the whole text.
  'math-shepherd': {
    route: 'next-token',
    stepTag: 'ки',
    positiveIndex: 0,
    labels: 2,
    serveHint:
      'serve it as the language model it is, e.g. `vllm serve peiyi9979/math-shepherd-mistral-7b-prm` without --runner pooling ' +
      '(a pooling runner drops its lm_head, and its rows are not the + and - scores)',
    render: (statement, steps, tag) => `${statement} ${steps.map((s) => `${s} ${tag}`).join('\n')}`,
    verdictOf: plusOrMinus,
  },
};

export function prmFormat(preset: PrmPreset, overrides: { stepTag?: string; positiveIndex?: number } = {}): PrmFormat {
  const base = PRESETS[preset];
  const stepTag = overrides.stepTag || base.stepTag;
  return {
    preset,
    route: base.route,
    stepTag,
    positiveIndex: overrides.positiveIndex ?? base.positiveIndex,
    labels: base.labels,
    serveHint: base.serveHint,
    // Steps are trimmed, and a special-token tag inside a step's own text is dropped: it would make the server
    // score one step twice and misalign every row after it. A word-like tag (ки) is left alone: dropping it
    // would change the text, and a mismatch is reported anyway.
    render: (statement, steps) => base.render(statement, steps.map((s) => (isSpecialToken(stepTag) ? s.split(stepTag).join('') : s).trim()), stepTag),
    ...(base.verdictOf && { verdictOf: base.verdictOf }),
  };
}

function isSpecialToken(tag: string): boolean {
  return tag.startsWith('<') && tag.endsWith('>');
}

/**
 * P(positive label) from one row: the entry itself when the row is already a probability distribution (vLLM's
 * reward poolers apply softmax), else a softmax over the row (raw scores). A row must hold exactly the preset's
 * labels: a wider one is a server returning other scores (a vocabulary's logits), and a softmax over it would
 * silently read a meaningless column.
 */
export function positiveProbability(row: readonly number[], prm: Pick<PrmFormat, 'preset' | 'positiveIndex' | 'labels' | 'serveHint'>, label: string): number {
  const { positiveIndex } = prm;
  // The server's setup, not one trajectory, is wrong: FAILED_PRECONDITION for every caller, not worth retrying.
  if (row.length !== prm.labels) {
    throw new FailedPreconditionError(
      `${label} returned rows of ${row.length} scores; the ${prm.preset} preset reads rows of ${prm.labels} (one per label): ${prm.serveHint}`,
    );
  }
  if (positiveIndex >= row.length) {
    // Only the setting can get here (a preset's index fits its rows), and its accepted range is any model's.
    throw new FailedPreconditionError(`ARBOR_REWARD_PRM_POSITIVE_INDEX is ${positiveIndex} but the server's rows hold ${row.length} labels (${label})`);
  }
  if (!row.every(Number.isFinite)) throw new UnavailableError(`${label} returned a row with a non-finite score`);
  const sum = row.reduce((a, b) => a + b, 0);
  if (row.every((x) => x >= 0 && x <= 1) && Math.abs(sum - 1) < 1e-3) return row[positiveIndex] as number;
  const max = Math.max(...row);
  const exps = row.map((x) => Math.exp(x - max));
  return (exps[positiveIndex] as number) / exps.reduce((a, b) => a + b, 0);
}
