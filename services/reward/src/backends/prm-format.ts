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
  /** True when ARBOR_REWARD_PRM_POSITIVE_INDEX set it, false when it is the preset's. */
  positiveIndexSet: boolean;
  /** The input text for a problem statement and its steps. */
  render(statement: string, steps: readonly string[]): string;
}

/** Qwen2.5-Math-PRM's system prompt, which its chat template puts first. */
export const QWEN_PRM_SYSTEM = 'Please reason step by step, and put your final answer within \\boxed{}.';

interface Preset {
  stepTag: string;
  positiveIndex: number;
  render(statement: string, steps: readonly string[], tag: string): string;
}

const PRESETS: Record<PrmPreset, Preset> = {
  // The Qwen2 chat template, rendered here because /pooling takes text: the steps make up the assistant turn,
  // each followed by <extra_0>, where the model's two-label head (wrong, right) is read.
  'qwen2.5-math-prm': {
    stepTag: '<extra_0>',
    positiveIndex: 1,
    render: (statement, steps, tag) =>
      `<|im_start|>system\n${QWEN_PRM_SYSTEM}<|im_end|>\n<|im_start|>user\n${statement}<|im_end|>\n<|im_start|>assistant\n` +
      `${steps.map((s) => `${s}${tag}`).join('')}<|im_end|><|endoftext|>`,
  },
  // Math-Shepherd: the question, then each step ended by "ки" on its own line; rows hold the + and - scores.
  'math-shepherd': {
    stepTag: 'ки',
    positiveIndex: 0,
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
    positiveIndexSet: overrides.positiveIndex !== undefined,
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
 * reward poolers apply softmax), else a softmax over the row (raw scores). A single entry is a probability
 * already when in [0, 1], else a logit.
 */
export function positiveProbability(row: readonly number[], prm: Pick<PrmFormat, 'preset' | 'positiveIndex' | 'positiveIndexSet'>, label: string): number {
  const { positiveIndex } = prm;
  if (row.length === 1 && positiveIndex === 0) {
    const only = row[0] as number;
    return only >= 0 && only <= 1 ? only : 1 / (1 + Math.exp(-only));
  }
  if (positiveIndex >= row.length) {
    // The setting (the range it accepts is any model's), or the preset, does not fit the model served: a
    // precondition, not an outage, and not worth retrying.
    const from = prm.positiveIndexSet ? '' : ` (the ${prm.preset} preset's)`;
    const labels = `${row.length} label${row.length === 1 ? '' : 's'}`;
    throw new FailedPreconditionError(`ARBOR_REWARD_PRM_POSITIVE_INDEX is ${positiveIndex}${from} but the server's rows hold ${labels} (${label})`);
  }
  if (!row.every(Number.isFinite)) throw new UnavailableError(`${label} returned a row with a non-finite score`);
  const sum = row.reduce((a, b) => a + b, 0);
  if (row.every((x) => x >= 0 && x <= 1) && Math.abs(sum - 1) < 1e-3) return row[positiveIndex] as number;
  const max = Math.max(...row);
  const exps = row.map((x) => Math.exp(x - max));
  return (exps[positiveIndex] as number) / exps.reduce((a, b) => a + b, 0);
}
