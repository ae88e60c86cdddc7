// Replica affinity's keys (paths named by chained hashes of a problem and its steps) and what it remembers.
import { describe, expect, it } from 'vitest';
import { affinityKeys, ReplicaAffinity } from './affinity.js';

const problem = { task: 'math', id: 'p1', question: 'What is 2 + 3?' };
const steps = (...texts: string[]) => texts.map((text) => ({ text }));

describe('affinityKeys', () => {
  it('names each path by its problem and steps, so a child shares every key of its parent but its own', () => {
    const parent = affinityKeys(problem, [steps('a', 'b')]);
    const child = affinityKeys(problem, [steps('a', 'b', 'c')]);
    expect(parent.shared).toHaveLength(3);
    expect(child.shared).toHaveLength(4);
    expect(child.shared.slice(0, 3)).toEqual(parent.shared);
    expect(parent.served).toEqual([parent.shared[2]]);
  });

  it('gives other problems and other step texts other paths', () => {
    const base = affinityKeys(problem, [steps('a')]).shared;
    expect(affinityKeys({ ...problem, id: 'p2' }, [steps('a')]).shared[0]).not.toBe(base[0]);
    expect(affinityKeys({ ...problem, question: 'What is 2 + 4?' }, [steps('a')]).shared[0]).not.toBe(base[0]);
    expect(affinityKeys(problem, [steps('b')]).shared[1]).not.toBe(base[1]);
    // Concatenation must not collide: ("ab") and ("a", "b") are different paths.
    expect(affinityKeys(problem, [steps('ab')]).shared[1]).not.toBe(affinityKeys(problem, [steps('a', 'b')]).shared[2]);
  });

  it('shares only the steps every trajectory has, and serves each trajectory\'s own last path', () => {
    const siblings = affinityKeys(problem, [steps('a', 'b', 'x'), steps('a', 'b', 'y'), steps('a', 'b')]);
    expect(siblings.shared).toEqual(affinityKeys(problem, [steps('a', 'b')]).shared);
    expect(siblings.served).toEqual([
      affinityKeys(problem, [steps('a', 'b', 'x')]).served[0],
      affinityKeys(problem, [steps('a', 'b', 'y')]).served[0],
      affinityKeys(problem, [steps('a', 'b')]).served[0],
    ]);
    const apart = affinityKeys(problem, [steps('a'), steps('b')]);
    expect(apart.shared).toHaveLength(1);
    expect(affinityKeys(problem, []).served).toEqual(apart.shared);
  });
});

describe('ReplicaAffinity', () => {
  it('prefers the replica that served the longest prefix of a request', () => {
    const affinity = new ReplicaAffinity();
    expect(affinity.preferred(affinityKeys(problem, [steps('a')]).shared)).toBeUndefined();
    affinity.served(affinityKeys(problem, [steps('a')]), 'r1');
    affinity.served(affinityKeys(problem, [steps('a', 'b')]), 'r2');
    // A grandchild of a/b: r2 served a/b (and so holds a too).
    expect(affinity.preferred(affinityKeys(problem, [steps('a', 'b', 'c')]).shared)).toBe('r2');
    // Another branch: only the root problem and a are known, both last served by r2.
    expect(affinity.preferred(affinityKeys(problem, [steps('a', 'z')]).shared)).toBe('r2');
    affinity.served(affinityKeys(problem, [steps('q')]), 'r3');
    expect(affinity.preferred(affinityKeys(problem, [steps('a', 'b', 'c')]).shared)).toBe('r2');
    expect(affinity.preferred(affinityKeys(problem, [steps('q', 'r')]).shared)).toBe('r3');
    expect(affinity.preferred(affinityKeys({ ...problem, id: 'other' }, [steps('a')]).shared)).toBeUndefined();
  });

  it('learns a value call\'s children from the node they share', () => {
    const affinity = new ReplicaAffinity();
    affinity.served(affinityKeys(problem, [steps('a', 'x'), steps('a', 'y')]), 'r1');
    expect(affinity.preferred(affinityKeys(problem, [steps('a', 'x', '1'), steps('a', 'x', '2')]).shared)).toBe('r1');
  });

  it('forgets the least recently used paths beyond its capacity', () => {
    const affinity = new ReplicaAffinity(4);
    affinity.served(affinityKeys(problem, [steps('a')]), 'r1'); // root, a
    affinity.served(affinityKeys(problem, [steps('b')]), 'r2'); // root, b
    expect(affinity.size).toBe(3);
    affinity.served(affinityKeys(problem, [steps('c', 'd')]), 'r3'); // root, c, c/d: a is the oldest
    expect(affinity.size).toBe(4);
    // a is forgotten; its lookup falls back to the root, last served by r3.
    expect(affinity.preferred(affinityKeys(problem, [steps('a', 'e')]).shared)).toBe('r3');
    expect(affinity.preferred(affinityKeys(problem, [steps('b', 'e')]).shared)).toBe('r2');
  });
});
