import { describe, expect, it } from 'vitest';
import { extractAnswer } from './extract.js';

/** Rules 1–4 only: what a solution step is judged by. */
const marked = (text: string): string | undefined => extractAnswer(text, { unmarked: false });

describe('extractAnswer', () => {
  it('reads the content of a \\boxed{} with nested braces', () => {
    expect(extractAnswer('So the result is $\\boxed{\\frac{1}{2}}$.')).toBe('\\frac{1}{2}');
    expect(extractAnswer('\\boxed{\\left\\{1, 2\\right\\}}')).toBe('\\left\\{1, 2\\right\\}');
    expect(extractAnswer('\\boxed{ 42 }')).toBe('42');
  });

  it('takes the last box', () => {
    expect(extractAnswer('First \\boxed{1}, then \\boxed{2}.\n\nFinally $\\boxed{3}$')).toBe('3');
    expect(extractAnswer('\\boxed{7} and later the answer is 8.')).toBe('7');
  });

  it('reads \\fbox{} and the unbraced \\boxed 42', () => {
    expect(extractAnswer('\\fbox{7}')).toBe('7');
    expect(extractAnswer('\\boxed{1} then \\fbox{2}')).toBe('2');
    expect(extractAnswer('so $\\boxed 42$')).toBe('42');
    expect(extractAnswer('\\boxed 42 is it')).toBe('42');
  });

  it('skips empty and unclosed boxes', () => {
    expect(extractAnswer('\\boxed{5} \\boxed{}')).toBe('5');
    expect(extractAnswer('\\boxed{5} \\boxed{6')).toBe('5');
    expect(extractAnswer('Put your answer in \\boxed{}.')).toBeUndefined();
    expect(extractAnswer('\\boxedx{5}')).toBeUndefined();
  });

  it('falls back to "The answer is"', () => {
    expect(extractAnswer('The answer is 42.')).toBe('42');
    expect(extractAnswer('6 * 7 = 42\n\nThe answer is 42')).toBe('42');
    expect(extractAnswer('Therefore, the final answer is: $\\frac{1}{2}$.')).toBe('\\frac{1}{2}');
    expect(extractAnswer('THE ANSWER IS   -3')).toBe('-3');
    expect(extractAnswer('The answer is 3.5 dollars. Let me check.')).toBe('3.5 dollars');
    expect(extractAnswer('The answer is $2.50.')).toBe('2.50');
    expect(extractAnswer('The answer is **$12$**.')).toBe('12');
    expect(extractAnswer('The answer is 12.\nNo wait, the answer is 13.')).toBe('13');
    expect(extractAnswer('The answer is 12.\nthe answer is')).toBe('12');
  });

  it.each([
    ['So the answer is 7.', '7'],
    ['Therefore the answer is 7', '7'],
    ['Thus, the final answer is 7.', '7'],
    ['And so the answer is 7.', '7'],
    ['In conclusion, the answer is 7.', '7'],
    ['x = 5, so the answer is 5.', '5'],
    ['x = 5 so the answer is 5.', '5'],
    ['Since 6 * 7 = 42, the answer is 42.', '42'],
    ['No wait, the answer is 13.', '13'],
    ['6 * 7 = 42. The answer is 42.', '42'],
    ['6 * 7 = 42.The answer is 42.', '42'],
    ['We double-check: the answer is 42.', '42'],
    ['**Final Answer:** The final answer is $42$. I hope it is correct.', '42'],
    ['**The answer is 7**', '7'],
    ['- The answer is 7', '7'],
    ['> The answer is 7', '7'],
    ['1. The answer is 7', '7'],
    ['(b) The answer is 7', '7'],
  ])('reads "the answer is" that starts a sentence or concluding clause: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it.each([
    'Let us check whether the answer is reasonable by plugging in x = 3.',
    'Let us check whether the answer is 7 by plugging in x = 3.',
    'We find that the answer is 5.',
    'I think the answer is 5.',
    'also the answer is 5',
    'If x = 3, the answer is 9.',
    'If x = 3, then the answer is 9.',
    'Suppose the answer is 9.',
  ])('ignores "the answer is" in the middle of a clause or in a condition: %j', (text) => {
    expect(marked(text)).toBeUndefined();
    // Nor do the unmarked rules read the numbers of a sentence that talks about the answer without stating it.
    expect(extractAnswer(text)).toBeUndefined();
  });

  it.each([
    ['The answer is 42, which matches the check.', '42'],
    ['The answer is 42; that is all.', '42'],
    ['The answer is 42 because 6 * 7 = 42.', '42'],
    ['The answer is 42 and it checks out.', '42'],
    ['The answer is 5 as expected.', '5'],
    ['The answer is 42,', '42'],
    ['Thus, the answer is: **42**', '42'],
    ['The answer is (2, 5).', '(2, 5)'],
    ['The answer is a=1, b=2.', 'a=1, b=2'],
    ['The answer is 1, 2, and 3.', '1, 2, and 3'],
    ['The answer is 3 hours and 20 minutes.', '3 hours and 20 minutes'],
    ['The answer is x^2 + 1.', 'x^2 + 1'],
    ['The answer is $\\frac{\\sqrt{3}}{2}$.', '\\frac{\\sqrt{3}}{2}'],
    ['The answer is 2\\pi.', '2\\pi'],
    ['The answer is 2ab.', '2ab'],
    ['The answer is \\text{(B)}.', '\\text{(B)}'],
    ['The answer is Tuesday.', 'Tuesday'],
    ['The answer is yes.', 'yes'],
    ['The answer is 1,000 dollars.', '1,000 dollars'],
    ['The answer is 5 million dollars.', '5 million dollars'],
    ['The answer is 42 cookies.', '42 cookies'],
  ])('cuts the answer at the end of its clause: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it.each([
    'So the answer is correct.',
    'The answer is wrong.',
    'The answer is not 5.',
    'The answer is approximately 3.14',
    'The answer is the sum of the two numbers, 42.',
    'The answer is obtained by 5x.',
    `The answer is ${'1 + '.repeat(30)}1.`,
  ])('gives no answer when what follows "the answer is" is prose, a verdict or too long: %j', (text) => {
    expect(marked(text)).toBeUndefined();
    expect(extractAnswer(text)).toBeUndefined();
  });

  it('takes the last "the answer is" that gives an answer', () => {
    expect(extractAnswer('The answer is 42. Let us check whether the answer is reasonable by plugging in x = 3.')).toBe('42');
    expect(extractAnswer('So the answer is 42.\nCheck: the answer is correct.')).toBe('42');
  });

  it('reads up to the end of the line only', () => {
    expect(extractAnswer('The answer is 9\nwhich is odd')).toBe('9');
    expect(marked('The answer is\n42')).toBeUndefined();
    // The last line, read as a last resort.
    expect(extractAnswer('The answer is\n42')).toBe('42');
  });

  it('falls back to a GSM8K "####" line last', () => {
    expect(extractAnswer('48 / 2 = 24\n#### 24')).toBe('24');
    expect(extractAnswer('#### 72')).toBe('72');
    expect(extractAnswer('#### 1\nThe answer is 2.')).toBe('2');
    expect(extractAnswer('Let us check whether the answer is reasonable.\n#### 72')).toBe('72');
    expect(extractAnswer('#### 72\nSo the answer is correct.')).toBe('72');
  });

  it('prefers a box whatever the "answer is" phrases around it say', () => {
    expect(extractAnswer('Let us check whether the answer is \\boxed{5}.')).toBe('5');
    expect(extractAnswer('$\\boxed{7}$. The answer is 42, which matches the check.')).toBe('7');
  });

  it('is undefined when there is no answer', () => {
    expect(extractAnswer('')).toBeUndefined();
    expect(marked('First, 6 * 7 = 42.')).toBeUndefined();
    expect(extractAnswer('An answer is needed here.')).toBeUndefined();
    expect(extractAnswer('The answer is $$.')).toBeUndefined();
  });

  it('stays fast on long junk', () => {
    const junk = '\\boxed{'.repeat(20_000) + 'the answer is\n'.repeat(5_000) + '#### \n'.repeat(5_000);
    // One line: how far each phrase looks around it must stay bounded.
    const line = 'So the answer is '.repeat(10_000) + 'whether the answer is 1 '.repeat(10_000);
    const started = performance.now();
    expect(extractAnswer(junk)).toBeUndefined();
    expect(extractAnswer(line)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('extractAnswer: chat-template tokens (rule 1)', () => {
  it.each([
    ['The total is 18, so the answer is 18.<|im_end|>\n<|im_start|>user\nAnd if there were 20? \\boxed{20}', '18'],
    ['So the answer is 3.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nThe answer is 4.', '3'],
    ['The answer is 11.</s>[INST] Try again. [/INST] The answer is 12.', '11'],
    ['The answer is 6.<end_of_turn>\n<start_of_turn>user\n#### 9', '6'],
    ['So the answer is $\\frac{2}{3}$.<|endoftext|>Problem: find \\boxed{5}', '\\frac{2}{3}'],
    ['Thus the area is 40.\n<|user|>\nWhat is the perimeter?\n<|assistant|>\nIt is 26.', '40'],
    ['The answer is 2<｜end▁of▁sentence｜><｜User｜>The answer is 3', '2'],
  ])('ignores the made-up next turn after the first token: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it('finds nothing when the answer is only in the made-up turn', () => {
    expect(extractAnswer('Let me think.<|im_end|>\n<|im_start|>user\nThe answer is \\boxed{8}')).toBeUndefined();
    expect(marked('We add the two sides.<|eot_id|>\\boxed{8}')).toBeUndefined();
    expect(extractAnswer('<|im_start|>assistant\nThe answer is 5.')).toBeUndefined();
  });

  it('keeps angle brackets and bars that are math', () => {
    expect(extractAnswer('Since 0 <|x|> 2 fails, the answer is \\boxed{4}.')).toBe('4');
    expect(extractAnswer('We know |a|<|b| < 3, so the answer is 2.')).toBe('2');
  });
});

describe('extractAnswer: "Final Answer:" labels (rule 3)', () => {
  it.each([
    ['Final Answer: The final answer is $10,455$. I hope it is correct.', '10,455'],
    ['Final Answer: The final answer is \\frac{5}{8}. I hope it is correct.', '\\frac{5}{8}'],
    ['Adding the rows gives 36.\n\nFinal Answer: 36', '36'],
    ['Final answer: $x = 7$', 'x = 7'],
    ['**Final Answer:** 15 marbles', '15 marbles'],
    ['**Final Answer**: \\(2\\sqrt{5}\\)', '2\\sqrt{5}'],
    ['The final answer: 64.', '64'],
    ['So, final answer: 0.25', '0.25'],
    ['### Final Answer\n\n**81**', '81'],
    ['**Final Answer:**\n\n\\[ -\\frac{1}{4} \\]', '-\\frac{1}{4}'],
    ['Final Answer: 9\nFinal Answer: 10', '10'],
  ])('reads the label: %j → %j', (text, answer) => {
    expect(marked(text)).toBe(answer);
    expect(extractAnswer(text)).toBe(answer);
  });

  it.each([
    'We are close to the final answer: 12 is a lower bound.',
    'This final answer of 12 needs checking.',
    'Final Answer: the one we get by adding both counts',
    'Final Answer:',
    '## Final Answer\n\nFirst we compute the sides.',
  ])('does not read a label in passing or with prose after it: %j', (text) => {
    expect(marked(text)).toBeUndefined();
  });
});

describe('extractAnswer: display and inline math (rule 5)', () => {
  it.each([
    ['So the number of tiles is\n\\[ 9 \\]', '9'],
    ['The sum is therefore\n$$ 9 $$', '9'],
    ['That leaves \\( 9 \\) cookies.', '9'],
    ['That leaves $ 9 $.', '9'],
    ['The area is $\\frac{1}{2}$.', '\\frac{1}{2}'],
    ['Solving, we obtain\n\\[\nx = \\frac{3}{7}.\n\\]', 'x = \\frac{3}{7}'],
    ['First $a = 2$, then $b = 5$.', 'b = 5'],
    ['The vertex is at $(2, -1)$.', '(2, -1)'],
    ['He saved \\$12 a week, so after a month he had $48$ dollars.', '48'],
    ['Each ticket is $5, so the group pays $ 35 $ in all.', '35'],
    ['We have $r = 4$. I hope it is correct.', 'r = 4'],
    ['$$y = 3$$ Then we substitute $x$ into it.', 'y = 3'],
  ])('reads the last math: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
    expect(marked(text)).toBeUndefined();
  });

  it('prefers the last display math over inline math after it, unless a number follows it (then it was working)', () => {
    expect(extractAnswer('Thus\n\\[ x^2 = 16 \\]\nand we keep the positive root.')).toBe('x^2 = 16');
    expect(extractAnswer('Thus\n\\[ x^2 = 16 \\]\nand since $x > 0$ we keep $x = 4$.')).toBe('x = 4');
    expect(extractAnswer('We solve \\[ 2x + 3 = 11 \\] so x = 4.')).toBe('4');
  });

  it.each([
    // Prose dollar amounts: no math at all, so the last number is read (rule 6), or nothing.
    ['A pen costs $2 and a book $9.', '9'],
    ['A pen costs $2 and a book costs $9. Together they cost $11.', '11'],
    ['It costs \\$5 and \\$6 in total.', undefined],
    ['The lamp is \\$40.', '40'],
    // A prose dollar after inline math: the pairing is unsure, so the math is not read; the amount is.
    ['For $n$ boxes he pays $3.', '3'],
    // Inline math further back than the last sentences sets the problem up.
    ['Let $w$ be the width in meters. Doubling both sides of the rectangle gives 14.', '14'],
    ['Let $w$ be the width. We keep going. There is more to do.', undefined],
    // Math that is prose or a whole derivation is no answer.
    ['The answer follows from $\\text{the sum of all odd terms we listed}$.', undefined],
    ['Then $$ \\begin{aligned} 3a + 2b &= 12 \\\\ a - b &= -1 \\\\ 5a &= 10 \\\\ a &= 2 \\end{aligned} $$', undefined],
  ])('is not fooled by dollars or setup math: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });
});

describe('extractAnswer: the last expression (rule 6)', () => {
  it.each([
    ['Multiplying the three sides, the volume is 120.', '120'],
    ['Dividing both sides by 4, so x = -3/4.', '-3/4'],
    ['The answer: 5 apples', '5'],
    ['She ends up with 3 + 4 = 7 stickers.', '7'],
    ['Altogether they walked 12.5 miles.', '12.5'],
    ['The town had 10,455 people in 1990, so it grew to 12,000.', '12,000'],
    ['It costs \\$15.', '15'],
    ['So the probability is 3/8.\nI hope it is correct.', '3/8'],
    ['About 40% of them passed.', '40%'],
    ['Total = 42', '42'],
    ['The pool holds 2,500 liters.\n\n', '2,500'],
  ])('reads the last number of the last sentence: %j → %j', (text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
    expect(marked(text)).toBeUndefined();
  });

  it.each([
    'We still need to find the height of the prism.',
    'She had 8 cards. Then she gave some away. Let us see how many remain.',
    'The value is 2x.',
    'So 3x + 2 = 17.',
    'Then x^2 = 9.',
    'It is at least more than 5.',
    'The value is not 5.',
    'So y < 7.',
    'The roots are 1, 2, and 3.',
    'The point is (2, 5).',
    'We use \\frac{1}{2} of it.',
    'The ratio is 3:4.',
    'It costs $5 and $6.',
    'Let us check whether the answer is right by trying n = 4.',
  ])('gives nothing rather than prose or a piece of an expression: %j', (text) => {
    expect(extractAnswer(text)).toBeUndefined();
  });
});

describe('extractAnswer: order of the rules', () => {
  it.each([
    ['a box before "the answer is"', 'The answer is 4. Or rather \\boxed{5}.', '5'],
    ['"the answer is" before "####"', '#### 6\nSo the answer is 7.', '7'],
    ['a label before display math', 'Final Answer: 8\n\\[ 9 \\]', '8'],
    ['"####" before display math', '\\[ 9 \\]\n#### 10', '10'],
    ['display math before inline math', 'We get \\[ 11 \\] and check it with $x$.', '11'],
    ['inline math before the last number', 'We get $13$ out of 14 tries.', '13'],
    ['a box before a template token', 'So \\boxed{15}<|im_end|><|im_start|>user\n\\boxed{16}', '15'],
  ])('%s: %j → %j', (_, text, answer) => {
    expect(extractAnswer(text)).toBe(answer);
  });

  it('reads only marks in a step (unmarked: false)', () => {
    expect(marked('Next, 3 + 4 = 7.')).toBeUndefined();
    expect(marked('We get \\[ x = 7 \\]')).toBeUndefined();
    expect(marked('So the answer is 7.')).toBe('7');
    expect(extractAnswer('Next, 3 + 4 = 7.', { unmarked: true })).toBe('7');
  });
});

describe('extractAnswer: long outputs', () => {
  it.each([
    ['dollars', '$'.repeat(100_000)],
    ['dollar amounts', 'costs $5 and '.repeat(8_000)],
    ['unclosed display math', '\\[ 1 '.repeat(25_000)],
    ['unclosed inline math', '\\( 1 '.repeat(25_000)],
    ['unclosed $$', '$$ 1 '.repeat(20_000)],
    ['an expression without end', '1 + '.repeat(25_000)],
    ['numbers glued to letters', '12x'.repeat(30_000)],
    ['labels', 'Final Answer: '.repeat(7_000)],
    ['bar tokens that are not tokens', '<|'.repeat(50_000)],
    ['inline math', '$x$ '.repeat(25_000)],
    ['spaced dollars', '$a '.repeat(33_000)],
    ['paragraphs of one dollar', '$\n\n'.repeat(33_000)],
    ['blank lines', '\n'.repeat(100_000)],
    ['lists', '5, '.repeat(33_000)],
    ['display math of spaces', `$$${' '.repeat(100_000)}x$$`],
    ['inline math of dots', `$${'. '.repeat(50_000)}x$`],
  ])('stays fast on %s', (_, text) => {
    const started = performance.now();
    extractAnswer(text);
    extractAnswer(`${text}\nSo the total is 3.`);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('reads the end of a long output', () => {
    const working = 'We add $3$ and \\$4 to get 7, then \\( 7 \\times 2 = 14 \\).\n'.repeat(1_500);
    expect(extractAnswer(`${working}Hence the final count is 29.`)).toBe('29');
    expect(extractAnswer(`${working}Thus\n\\[ 29 \\]`)).toBe('29');
  });
});
