// The countdown task's state key: trajectories merge by the numbers they leave, whatever order they are asked in,
// and the per-problem replay cache never lets one problem's states leak into another's.
import { describe, expect, it } from 'vitest';
import { countdownTask } from './task.js';

const problem = () => ({ task: 'countdown', question: '4 9 10 13', params: { target: '24' } });

describe('countdownTask.stateKey', () => {
  it('keys a trajectory by the numbers it leaves, for children asked before or after their parents', () => {
    const p = problem();
    expect(countdownTask.stateKey(p, ['13 - 10 = 3 (left: 3 4 9)', '9 - 3 = 6 (left: 4 6)'])).toBe('4 6');
    expect(countdownTask.stateKey(p, ['13 - 10 = 3 (left: 3 4 9)'])).toBe('3 4 9');
    expect(countdownTask.stateKey(p, [])).toBe('4 9 10 13');
    // Another order to the same numbers merges with it.
    expect(countdownTask.stateKey(p, ['10 - 4 = 6 (left: 6 9 13)', '13 - 9 = 4 (left: 4 6)'])).toBe('4 6');
  });

  it('keys a trajectory with an invalid step by its own text, also below that step', () => {
    const p = problem();
    const wrong = ['13 - 10 = 4 (left: 4 4 9)'];
    expect(countdownTask.stateKey(p, wrong)).toBe(`invalid:${wrong.join('\n')}`);
    const below = [...wrong, '4 + 4 = 8 (left: 8 9)'];
    expect(countdownTask.stateKey(p, below)).toBe(`invalid:${below.join('\n')}`);
  });

  it('replays each problem on its own numbers, even for the same step texts', () => {
    const steps = ['13 - 10 = 3 (left: 3 4 9)'];
    expect(countdownTask.stateKey(problem(), steps)).toBe('3 4 9');
    // Its left list does not hold for 3 9 10 13 (that leaves 3 3 9), so there the same text is invalid.
    const other = { task: 'countdown', question: '3 9 10 13', params: { target: '24' } };
    expect(countdownTask.stateKey(other, steps)).toBe(`invalid:${steps[0]}`);
    expect(countdownTask.stateKey(other, ['13 - 10 = 3 (left: 3 3 9)'])).toBe('3 3 9');
    const missing = { task: 'countdown', question: '1 2 3 4', params: { target: '24' } };
    expect(countdownTask.stateKey(missing, steps)).toBe(`invalid:${steps[0]}`);
  });
});
