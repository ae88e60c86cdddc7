// Which replica a call goes to: the least loaded that answers; suspects and gone ones are avoided.
import { describe, expect, it } from 'vitest';
import { ReplicaSet } from './replicas.js';

describe('ReplicaSet', () => {
  it('picks the replica with the most room, and none when it knows none', () => {
    const set = new ReplicaSet();
    expect(set.pick()).toBeUndefined();
    set.discovered([
      { id: 'a', capacity: 4 },
      { id: 'b', capacity: 8 },
    ]);
    set.started('a');
    set.started('a');
    set.started('b');
    // a: 2/4, b: 1/8.
    expect(set.pick()).toBe('b');
    expect(set.pick(new Set(['b']))).toBe('a');
    expect(set.capacity(5_000)).toBe(12);
    expect(set.healthy).toBe(2);
  });

  it('avoids a suspect replica until it answers again', () => {
    const set = new ReplicaSet();
    set.discovered([
      { id: 'a', capacity: 4 },
      { id: 'b', capacity: 4 },
    ]);
    set.suspect('a');
    for (let i = 0; i < 20; i++) expect(set.pick()).toBe('b');
    // Still answering discovery, so its capacity still counts towards the ceiling.
    expect(set.capacity(5_000)).toBe(8);
    set.heardFrom('a');
    set.started('b');
    expect(set.pick()).toBe('a');
  });

  it('gives a suspect that answers discovery calls again after suspectForMs, and forgets the silent', () => {
    let now = 0;
    const set = new ReplicaSet({ forgetAfterMs: 6_000, suspectForMs: 10_000 }, () => now);
    set.discovered([
      { id: 'a', capacity: 4 },
      { id: 'b', capacity: 4 },
    ]);
    set.suspect('a');
    now = 5_000;
    set.discovered([{ id: 'a', capacity: 4 }]);
    expect(set.pick(new Set(['b']))).toBeUndefined();
    now = 10_000;
    set.discovered([{ id: 'a', capacity: 4 }]);
    expect(set.pick(new Set(['b']))).toBe('a');
    // b has not answered for 10 s: forgotten.
    expect(set.size).toBe(1);
    expect(set.answering(4_500)).toBe(1);
  });

  it('drops a replica that has gone', () => {
    const set = new ReplicaSet();
    set.discovered([{ id: 'a', capacity: 4 }]);
    set.gone('a');
    expect(set.pick()).toBeUndefined();
    expect(set.size).toBe(0);
  });
});
