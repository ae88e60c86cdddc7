// P(yes) from the top logprobs of a judge's one-token answer: yes against no, renormalised over the two.
//
// A tokenizer spells the same verdict many ways (" Yes", "Yes", "yes", "YES", "Yes.", "ĠYes", "▁yes"), and a
// top-20 list often holds several of them, so the mass of every spelling is summed on each side.

export interface TopLogprob {
  token: string;
  logprob: number;
}

export interface YesVerdict {
  /** P(yes) / (P(yes) + P(no)), in [0, 1]. */
  probability: number;
  /** False when neither yes nor no was among the top tokens: the probability is then 0.5 (no information). */
  decided: boolean;
}

// BPE and SentencePiece word-start markers, whitespace, and the punctuation a model may glue to its verdict.
const DECORATION = /^[\sĠ▁"'`*(]+|[\s"'`*.,!:;)]+$/g;

/** 'yes', 'no', or undefined for any other token. */
export function verdictOf(token: string): 'yes' | 'no' | undefined {
  const word = token.replace(DECORATION, '').toLowerCase();
  return word === 'yes' ? 'yes' : word === 'no' ? 'no' : undefined;
}

/** Which side of a judgment a token is on: 'yes' (the positive label), 'no', or neither. */
export type VerdictOf = (token: string) => 'yes' | 'no' | undefined;

export function yesVerdict(top: readonly TopLogprob[], sideOf: VerdictOf = verdictOf): YesVerdict {
  let yes = 0;
  let no = 0;
  let sawYes = false;
  let sawNo = false;
  let listed = 0;
  let lowest = Number.POSITIVE_INFINITY;
  for (const { token, logprob } of top) {
    const p = Number.isFinite(logprob) ? Math.exp(logprob) : 0;
    listed += p;
    lowest = Math.min(lowest, p);
    const verdict = sideOf(token);
    if (verdict === 'yes') {
      yes += p;
      sawYes = true;
    } else if (verdict === 'no') {
      no += p;
      sawNo = true;
    }
  }
  if (!sawYes && !sawNo) return { probability: 0.5, decided: false };
  // A side missing from the top list is less likely than anything listed, and than all the mass left over:
  // bounding it by both keeps "yes only" near 1 without claiming certainty the list does not show.
  const absent = Math.min(lowest, Math.max(0, 1 - listed));
  if (!sawNo) no = absent;
  if (!sawYes) yes = absent;
  if (yes + no <= 0) return { probability: 0.5, decided: false };
  return { probability: yes / (yes + no), decided: true };
}

export function yesProbability(top: readonly TopLogprob[]): number {
  return yesVerdict(top).probability;
}
