// Which replica a call goes to: the least loaded that answers; suspects and gone ones are avoided.
import { describe, expect, it } from 'vitest';
import { DEFAULT_REPLICA_OPTIONS, ReplicaSet } from './replicas.js';

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
    const set = new ReplicaSet({ ...DEFAULT_REPLICA_OPTIONS, forgetAfterMs: 6_000, suspectForMs: 10_000 }, () => now);
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

describe('ReplicaSet with a preferred replica', () => {
  function three(now = () => 0) {
    const set = new ReplicaSet({ ...DEFAULT_REPLICA_OPTIONS, loadFactor: 1.25, busyForMs: 1_000 }, now);
    set.discovered([
      { id: 'a', capacity: 4 },
      { id: 'b', capacity: 4 },
      { id: 'c', capacity: 4 },
    ]);
    return set;
  }

  it('sends a call to its preferred replica while that one holds no more than its bounded share', () => {
    const set = three();
    // Idle: a takes it although all are equally free.
    for (let i = 0; i < 10; i++) expect(set.pick(new Set(), 'a')).toBe('a');
    // b and c have 2 each, a has 2: with the call a would hold 3 of 7, bound ceil(1.25 x 7 / 3) = 3.
    for (const id of ['a', 'a', 'b', 'b', 'c', 'c']) set.started(id);
    expect(set.pick(new Set(), 'a')).toBe('a');
    set.started('a');
    // Now 3 of 7; with one more 4 of 8, bound ceil(1.25 x 8 / 3) = 4, but a's capacity is 4: it still fits.
    expect(set.pick(new Set(), 'a')).toBe('a');
    set.started('a');
    // Full: the least loaded other takes it.
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
  });

  it('diverts a call once its preferred replica holds more than loadFactor x the mean', () => {
    const set = three();
    set.started('a');
    set.started('a');
    // With the call a would hold 3 of 3: bound ceil(1.25 x 3 / 3) = 2.
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
    // The others busy too: a with 2 of 4 calls, 3 of 5 with this one, bound ceil(1.25 x 5 / 3) = 3.
    set.started('b');
    set.started('c');
    expect(set.pick(new Set(), 'a')).toBe('a');
  });

  it('diverts from a preferred replica that is suspect, lately busy, gone, unknown or already tried', () => {
    let now = 0;
    const set = three(() => now);
    set.suspect('a');
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
    set.heardFrom('a');
    expect(set.pick(new Set(), 'a')).toBe('a');
    set.busy('a');
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
    now = 999;
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
    now = 1_000;
    expect(set.pick(new Set(), 'a')).toBe('a');
    expect(set.pick(new Set(['a']), 'a')).not.toBe('a');
    set.gone('a');
    expect(['b', 'c']).toContain(set.pick(new Set(), 'a'));
    expect(['b', 'c']).toContain(set.pick(new Set(), 'never-seen'));
  });
});
