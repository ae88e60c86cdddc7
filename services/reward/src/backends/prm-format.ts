// How a process reward model on vLLM's /pooling reads a trajectory (input text with a step tag after every step)
// and what its rows mean (which column is "this step is correct"), per model family.
import { FailedPreconditionError, UnavailableError } from '@arbor/kit/errors';
import type { PrmPreset } from '../config.js';

export interface PrmFormat {
  preset: PrmPreset;
  /** The token the server pools at: one row per occurrence, i.e. per step. */
  stepTag: string;
  /** Column of the positive label ("the step is correct") in each row. */
  positiveIndex: number;
  /** Scores in every row: the model's labels. A row of any other width means the server is set up wrong. */
  labels: number;
  /** How to start the server so that it returns rows of `labels` scores: the fix an error names. */
  serveHint: string;
  /** The input text for a problem statement and its steps. */
  render(statement: string, steps: readonly string[]): string;
}

/** Qwen2.5-Math-PRM's system prompt, which its chat template puts first. */
export const QWEN_PRM_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

interface Preset {
  stepTag: string;
  positiveIndex: number;
  labels: number;
  serveHint: string;
  render(statement: string, steps: readonly string[], tag: string): string;
}

const PRESETS: Record<PrmPreset, Preset> = {
  // The Qwen2 chat template, rendered here because /pooling takes text: the steps make up the assistant turn,
  // each followed by <extra_0>, where the model's two-label head (wrong, right) is read.
  'qwen2.5-math-prm': {
    stepTag: '<extra_0>',
    positiveIndex: 1,
    labels: 2,
    serveHint: 'start vLLM with `vllm serve Qwen/Qwen2.5-Math-PRM-7B --runner pooling` (older vLLM: --task reward)',
    render: (statement, steps, tag) =>
      `<|im_start|>system\n${QWEN_PRM_SYSTEM}<|im_end|>\n<|im_start|>user\n${statement}<|im_end|>\n<|im_start|>assistant\n` +
      `${steps.map((s) => `${s}${tag}`).join('')}<|im_end|><|endoftext|>`,
  },
  // Math-Shepherd: the question, then each step ended by "ки" on its own line; rows hold the + and - scores. It has
  // no reward head: vLLM returns those two scores only when its pooler config names the step tag's token id
  // (12902) and the + and - token ids (648, 387); without it a row is the whole vocabulary's logits.
  'math-shepherd': {
    stepTag: 'ки',
    positiveIndex: 0,
    labels: 2,
    serveHint:
      'start vLLM with `vllm serve peiyi9979/math-shepherd-mistral-7b-prm --runner pooling --pooler-config ' +
      '\'{"pooling_type": "STEP", "step_tag_id": 12902, "returned_token_ids": [648, 387]}\'` ' +
      '(older vLLM: --override-pooler-config, --task reward)',
    render: (statement, steps, tag) => `${statement} ${steps.map((s) => `${s} ${tag}`).join('\n')}`,
  },
};

export function prmFormat(preset: PrmPreset, overrides: { stepTag?: string; positiveIndex?: number } = {}): PrmFormat {
  const base = PRESETS[preset];
  const stepTag = overrides.stepTag || base.stepTag;
  return {
    preset,
    stepTag,
    positiveIndex: overrides.positiveIndex ?? base.positiveIndex,
    labels: base.labels,
    serveHint: base.serveHint,
    // Steps are trimmed, and a special-token tag inside a step's own text is dropped: it would make the server
    // score one step twice and misalign every row after it. A word-like tag (ки) is left alone: dropping it
    // would change the text, and a mismatch is reported anyway.
    render: (statement, steps) => base.render(statement, steps.map((s) => (isSpecialToken(stepTag) ? s.split(stepTag).join('') : s).trim()), stepTag),
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
