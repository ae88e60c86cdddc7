import { describe, expect, it } from 'vitest';
import { lastSentences, mentionsAnswerIs } from './extract-sentences.js';

const texts = (text: string, count: number, masked: { start: number; end: number }[] = []): string[] =>
  lastSentences(text, count, masked).map((range) => text.slice(range.start, range.end));

describe('lastSentences', () => {
  it('splits at . ! ? before a space and at line breaks, last first', () => {
    expect(texts('One. Two! Three? Four', 4)).toEqual([' Four', ' Three?', ' Two!', 'One.']);
    expect(texts('It is 3.5 m. Next\nline', 3)).toEqual(['line', ' Next\n', 'It is 3.5 m.']);
  });

  it('skips sentences without a letter or digit', () => {
    expect(texts('Six. \n\n---\n**', 1)).toEqual(['Six.']);
    expect(texts('', 2)).toEqual([]);
  });

  it('ignores sentence ends inside masked ranges', () => {
    const text = 'So $a. b$ holds.';
    expect(texts(text, 2, [{ start: 3, end: 9 }])).toEqual(['So $a. b$ holds.']);
    expect(texts(text, 2)).toEqual([' b$ holds.', 'So $a.']);
  });
});

describe('mentionsAnswerIs', () => {
  it('finds "answer is" anywhere in a sentence', () => {
    expect(mentionsAnswerIs('Let us check whether the answer is 7.')).toBe(true);
    expect(mentionsAnswerIs('The ANSWER  IS')).toBe(true);
    expect(mentionsAnswerIs('The answer: 7')).toBe(false);
    expect(mentionsAnswerIs('The answers isolate 7')).toBe(false);
  });
});
