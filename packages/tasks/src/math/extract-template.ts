// Cuts generated text at the first chat-template token. A model that does not stop at its end-of-turn token runs
// on into a made-up next turn ("<|im_end|>\n<|im_start|>user\n... \boxed{7}"), and an answer read from there was
// never the model's answer to this problem.

// One alternation, tried once per "<" or "[": bounded work per position, so the scan stays linear.
// - `<|name|>`: ChatML, Llama 3, Phi, Qwen, GPT-2 style (`<|im_start|>`, `<|eot_id|>`, `<|endoftext|>`,
//   `<|user|>`); DeepSeek writes the bars full-width and `▁` for spaces (`<｜end▁of▁sentence｜>`). The name is
//   an identifier of two characters or more, so math such as `<|x|>` (a norm between angle brackets) is kept.
// - the few tokens without bars: `</s>` (Llama 2, Mistral), Gemma's `<eos>`, `<start_of_turn>`, `<end_of_turn>`,
//   and Mistral's `[INST]` / `[/INST]`. `<s>` is not in the list: it starts sequences, it does not end a turn.
const TEMPLATE_TOKEN_RE =
  /<[|\uFF5C][A-Za-z][\w.\-\u2581]{1,63}[|\uFF5C]>|<\/s>|<eos>|<(?:start|end)_of_turn>|\[\/?INST\]/;

/** `text` up to its first chat-template token (the whole text when it has none). */
export function cutAtTemplateToken(text: string): string {
  const token = TEMPLATE_TOKEN_RE.exec(text);
  return token === null ? text : text.slice(0, token.index);
}
