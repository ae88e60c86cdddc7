import { describe, expect, it } from 'vitest';
import { cutAtTemplateToken } from './extract-template.js';

describe('cutAtTemplateToken', () => {
  it.each([
    ['<|im_start|>', 'Half of 10 is 5.<|im_start|>user\nNext?', 'Half of 10 is 5.'],
    ['<|im_end|>', 'Done: 5<|im_end|>', 'Done: 5'],
    ['<|endoftext|>', 'Done: 5<|endoftext|>more', 'Done: 5'],
    ['<|eot_id|>', 'Done: 5<|eot_id|>', 'Done: 5'],
    ['<|start_header_id|>', 'Done: 5\n<|start_header_id|>user<|end_header_id|>', 'Done: 5\n'],
    ['<|end|>', 'Done: 5<|end|>', 'Done: 5'],
    ['<|user|>', 'Done: 5\n<|user|>\nhi', 'Done: 5\n'],
    ['<|assistant|>', 'Done: 5 <|assistant|>', 'Done: 5 '],
    ['<|reserved_special_token_3|>', 'Done: 5<|reserved_special_token_3|>', 'Done: 5'],
    ['full-width bars', 'Done: 5<｜end▁of▁sentence｜>', 'Done: 5'],
    ['</s>', 'Done: 5</s><s>[INST] next', 'Done: 5'],
    ['<eos>', 'Done: 5<eos>', 'Done: 5'],
    ['<end_of_turn>', 'Done: 5<end_of_turn>\n', 'Done: 5'],
    ['<start_of_turn>', 'Done: 5\n<start_of_turn>user', 'Done: 5\n'],
    ['[INST]', 'Done: 5 [INST] again', 'Done: 5 '],
    ['[/INST]', 'Done: 5 [/INST]', 'Done: 5 '],
    ['the first of several', 'a<|im_end|>b<|im_start|>c', 'a'],
    ['a token at the start', '<|im_start|>assistant\n5', ''],
  ])('cuts at %s', (_, text, kept) => {
    expect(cutAtTemplateToken(text)).toBe(kept);
  });

  it.each([
    'No tokens here: 3 < 4 and 5 > 2.',
    'Norms: 0 <|x|> 1 and |a|<|b|.',
    'A one-letter name is math: <|v|>.',
    'An unclosed <|im_start token',
    'A spaced <| im_end |> is no token',
    'The start of a sequence <s> is kept',
    '[INSTRUCTIONS] come first, [INST without a bracket after',
  ])('keeps text without a token whole: %j', (text) => {
    expect(cutAtTemplateToken(text)).toBe(text);
  });

  it('stays fast on many near-tokens', () => {
    const text = `${'<|a'.repeat(30_000)}${'<|abc'.repeat(10_000)}`;
    const started = performance.now();
    expect(cutAtTemplateToken(text)).toBe(text);
    expect(performance.now() - started).toBeLessThan(200);
  });
});
