// Token estimate for backends that generate text without a tokenizer (usage is then flagged `estimated`).

const encoder = new TextEncoder();

/**
 * ceil(UTF-8 bytes / 4): the usual rule of thumb for BPE tokenizers on English and digits. It errs high on
 * short numeric text, which is the safe side for budgets.
 */
export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  return Math.ceil(encoder.encode(text).length / 4);
}
