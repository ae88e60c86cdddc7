// What errors may show of a caller's input.
import { describe, expect, it } from 'vitest';
import { nameInMessage } from './errors.js';

describe('nameInMessage', () => {
  it('quotes a short plain name and shows nothing of anything else', () => {
    expect(nameInMessage('math')).toBe('"math"');
    expect(nameInMessage('hunter2 SECRET')).toBe('a name that is not one');
    expect(nameInMessage('x'.repeat(41))).toBe('a name that is not one');
    expect(nameInMessage('')).toBe('a name that is not one');
    expect(nameInMessage('"quoted"')).toBe('a name that is not one');
  });
});
