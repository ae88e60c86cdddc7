import { describe, expect, it } from 'vitest';
import { verdictOf, yesProbability, yesVerdict } from './yes-probability.js';

const top = (entries: Record<string, number>) => Object.entries(entries).map(([token, logprob]) => ({ token, logprob }));

describe('yesProbability', () => {
  it('renormalises yes against no', () => {
    expect(yesProbability(top({ ' Yes': Math.log(0.8), ' No': Math.log(0.2) }))).toBeCloseTo(0.8, 12);
    // Other tokens take mass from both sides alike and do not move the ratio.
    expect(yesProbability(top({ ' Yes': Math.log(0.3), ' No': Math.log(0.1), ' Maybe': Math.log(0.5) }))).toBeCloseTo(0.75, 12);
  });

  it('sums the spellings of each verdict', () => {
    const p = yesProbability(top({ ' Yes': Math.log(0.4), Yes: Math.log(0.2), ' yes.': Math.log(0.1), ' No': Math.log(0.2), NO: Math.log(0.1) }));
    expect(p).toBeCloseTo(0.7, 12);
  });

  it('recognises tokenizer markers, case and punctuation', () => {
    for (const t of [' Yes', 'yes', 'YES', 'ĠYes', '▁yes', 'Yes.', ' "Yes"', '\nYes!', '**Yes**']) expect(verdictOf(t)).toBe('yes');
    for (const t of [' No', 'no', 'NO,', 'ĠNo', '▁no']) expect(verdictOf(t)).toBe('no');
    for (const t of [' Yesterday', 'Not', ' N', '', ' ']) expect(verdictOf(t)).toBeUndefined();
  });

  it('says 0.5, undecided, when neither verdict is listed', () => {
    expect(yesVerdict(top({ ' Maybe': -0.1, ' The': -2 }))).toEqual({ probability: 0.5, decided: false });
    expect(yesVerdict([])).toEqual({ probability: 0.5, decided: false });
  });

  it('takes a missing side as less likely than anything listed', () => {
    const onlyYes = yesVerdict(top({ ' Yes': -0.05, ' The': -4, ' Sure': -9 }));
    expect(onlyYes.decided).toBe(true);
    expect(onlyYes.probability).toBeGreaterThan(0.999);
    expect(onlyYes.probability).toBeLessThan(1);
    const onlyNo = yesVerdict(top({ ' No': -0.05, ' The': -4, ' Sure': -9 }));
    expect(onlyNo.probability).toBeLessThan(0.001);
    // Alone in the list, yes still leaves the unlisted mass to no.
    expect(yesProbability(top({ Yes: Math.log(0.9) }))).toBeCloseTo(0.9, 12);
    expect(yesProbability(top({ Yes: 0 }))).toBe(1);
  });
});
