import { InvalidArgumentError } from '@arbor/kit/errors';
import { describe, expect, it } from 'vitest';
import { finalAnswer, joinSteps, splitSteps } from './steps.js';

describe('splitSteps', () => {
  it('splits on blank lines by default, trimming and dropping empty steps', () => {
    expect(splitSteps('Step one.\n\n  Step two.  \n\n\n\nStep three.\n\n')).toEqual(['Step one.', 'Step two.', 'Step three.']);
    expect(splitSteps('One line\nsame step\n\nnext')).toEqual(['One line\nsame step', 'next']);
    expect(splitSteps('')).toEqual([]);
    expect(splitSteps(' \n\n \n\n')).toEqual([]);
  });

  it('takes a custom delimiter literally', () => {
    expect(splitSteps('a\nb\n\nc', '\n')).toEqual(['a', 'b', 'c']);
    expect(splitSteps('Step 1: x ## Step 2: y ##', '##')).toEqual(['Step 1: x', 'Step 2: y']);
    expect(splitSteps('a\\n\\nb', '\\n\\n')).toEqual(['a', 'b']);
    expect(splitSteps('1.5 + 2 = 3.5', '.')).toEqual(['1', '5 + 2 = 3', '5']);
  });

  it('rejects an empty delimiter', () => {
    expect(() => splitSteps('abc', '')).toThrow(InvalidArgumentError);
  });
});

describe('joinSteps', () => {
  it('joins with the delimiter and round-trips through splitSteps', () => {
    const steps = ['First, 3 + 4 = 7.', 'Then 7 * 2 = 14.', 'The answer is 14.'];
    expect(joinSteps(steps)).toBe('First, 3 + 4 = 7.\n\nThen 7 * 2 = 14.\n\nThe answer is 14.');
    expect(joinSteps(steps, ' | ')).toBe('First, 3 + 4 = 7. | Then 7 * 2 = 14. | The answer is 14.');
    expect(splitSteps(joinSteps(steps))).toEqual(steps);
    expect(splitSteps(joinSteps(steps, '<step>'), '<step>')).toEqual(steps);
    expect(joinSteps([])).toBe('');
  });
});

describe('finalAnswer', () => {
  it('reads the answer of the last step only', () => {
    expect(finalAnswer(['3 + 4 = 7', 'So the answer is $\\boxed{7}$.'])).toBe('7');
    expect(finalAnswer(['The answer is 7.', 'But wait, 3 + 5 = 8.'])).toBeUndefined();
    expect(finalAnswer(['3 + 4 = 7'])).toBeUndefined();
    expect(finalAnswer([])).toBeUndefined();
  });

  it('reads only an answer the step marks, not its math or numbers', () => {
    expect(finalAnswer(['Each box holds 6, so 4 boxes hold 24.'])).toBeUndefined();
    expect(finalAnswer(['So we need\n\\[ 3x = 12 \\]'])).toBeUndefined();
    expect(finalAnswer(['Then $x = 4$.'])).toBeUndefined();
    expect(finalAnswer(['4 boxes hold 24.', 'Final Answer: The final answer is $24$. I hope it is correct.'])).toBe('24');
    expect(finalAnswer(['4 boxes hold 24.', '**Final Answer:** 24'])).toBe('24');
  });

  it('ignores a next turn the model made up after a chat-template token', () => {
    expect(finalAnswer(['We still need the height.<|im_end|>\n<|im_start|>user\n\\boxed{3}'])).toBeUndefined();
    expect(finalAnswer(['So the answer is 9.<|eot_id|>The answer is 10.'])).toBe('9');
  });
});
