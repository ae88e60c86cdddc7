import { describe, expect, it } from 'vitest';
import type { Candidate } from './model.js';
import { SearchTree } from './tree.js';

const candidate = (text: string, terminal = false, answer = ''): Candidate => ({
  step: { text, logprob: -1, tokens: 3 },
  terminal,
  answer,
});

describe('SearchTree', () => {
  it('starts with a root whose parent is itself', () => {
    const tree = new SearchTree();
    expect(tree.size).toBe(1);
    expect(tree.root).toMatchObject({ id: 0, parentId: 0, depth: 0, step: null, terminal: false, answer: '', expanded: false });
  });

  it('assigns sequential ids in the order children are given and marks the parent expanded', () => {
    const tree = new SearchTree();
    const [a, b] = tree.addChildren(0, [candidate('a'), candidate('b')], [0.25, 0.75]);
    const [c] = tree.addChildren(b?.id ?? -1, [candidate('c', true, '42')]);
    expect([a?.id, b?.id, c?.id]).toEqual([1, 2, 3]);
    expect(c).toMatchObject({ parentId: 2, depth: 2, terminal: true, answer: '42' });
    expect(b?.prior).toBe(0.75);
    expect(tree.root.children).toEqual([1, 2]);
    expect(tree.root.expanded).toBe(true);
    expect(tree.maxDepth).toBe(2);
    expect(tree.pathTo(3)).toEqual([0, 2, 3]);
    expect(tree.steps(3).map((s) => s.text)).toEqual(['b', 'c']);
  });

  it('drops the answer of a non-terminal candidate', () => {
    const tree = new SearchTree();
    const [a] = tree.addChildren(0, [candidate('a', false, 'stray')]);
    expect(a?.answer).toBe('');
  });

  it('snapshots to the arbor.v1.TreeNode shape, leaving unset optionals out', () => {
    const tree = new SearchTree();
    const [a] = tree.addChildren(0, [candidate('a', true, '7')]);
    if (!a) throw new Error('no child');
    a.reward = 0.5;
    a.outcome = 0;
    const snapshot = tree.snapshot();
    expect(snapshot.nodes).toEqual([
      { id: 0, parentId: 0, depth: 0, step: null, terminal: false, answer: '', visits: 0, expanded: true },
      {
        id: 1,
        parentId: 0,
        depth: 1,
        step: { text: 'a', logprob: -1, tokens: 3 },
        terminal: true,
        answer: '7',
        reward: 0.5,
        outcome: 0,
        visits: 0,
        expanded: false,
      },
    ]);
    expect(Object.keys(snapshot.nodes[0] ?? {})).not.toContain('value');
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
  });

  it('snapshots are copies, unaffected by later changes', () => {
    const tree = new SearchTree();
    tree.addChildren(0, [candidate('a')]);
    const before = tree.snapshot();
    tree.node(1).visits = 5;
    tree.addChildren(1, [candidate('b')]);
    expect(before.nodes).toHaveLength(2);
    expect(before.nodes[1]?.visits).toBe(0);
  });

  it('refuses unknown ids', () => {
    expect(() => new SearchTree().node(3)).toThrow(RangeError);
  });
});
