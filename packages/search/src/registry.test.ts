import { describe, expect, it } from 'vitest';
import type { Candidate, Step } from './model.js';
import { StateRegistry } from './registry.js';
import { SearchTree } from './tree.js';

const candidate = (text: string): Candidate => ({ step: { text, logprob: -1, tokens: 1 }, terminal: false, answer: '' });
const byPath = (steps: readonly Step[]): string => steps.map((s) => s.text).join('');
/** Order-free: 'ab' and 'ba' are one state. */
const bySet = (steps: readonly Step[]): string => steps.map((s) => s.text).sort().join('');

function grow(registry: StateRegistry, tree: SearchTree, parent: number, texts: string[]): string[] {
  const fresh = registry.fresh(tree, parent, texts.map(candidate));
  registry.commit(tree, tree.addChildren(parent, fresh));
  return fresh.map((c) => c.step.text);
}

describe('StateRegistry', () => {
  it('drops repeats among siblings and states reached by another path when enabled', () => {
    const tree = new SearchTree();
    const registry = new StateRegistry(true, bySet);
    expect(grow(registry, tree, 0, ['a', 'b', 'a'])).toEqual(['a', 'b']);
    expect(grow(registry, tree, 1, ['b', 'c'])).toEqual(['b', 'c']); // 'ab', 'ac'
    expect(grow(registry, tree, 2, ['a', 'c'])).toEqual(['c']); // 'ba' is 'ab'; 'bc' is new
    expect(grow(registry, tree, 0, [''])).toEqual([]); // the root's own state
  });

  it('keeps candidates as given when disabled', () => {
    const tree = new SearchTree();
    const registry = new StateRegistry(false, byPath);
    expect(grow(registry, tree, 0, ['a', 'a', 'b'])).toEqual(['a', 'a', 'b']);
  });

  it('drops repeats of existing children on re-expansion, even when disabled', () => {
    const tree = new SearchTree();
    const registry = new StateRegistry(false, byPath);
    grow(registry, tree, 0, ['a']);
    const fresh = registry.fresh(tree, 0, ['a', 'b', 'b', 'c'].map(candidate), { distinctFromSiblings: true });
    expect(fresh.map((c) => c.step.text)).toEqual(['b', 'c']);
  });

  it('records nothing until commit, so a candidate that was never created does not block a later one', () => {
    const tree = new SearchTree();
    const registry = new StateRegistry(true, byPath);
    expect(registry.fresh(tree, 0, [candidate('a')]).map((c) => c.step.text)).toEqual(['a']);
    expect(registry.fresh(tree, 0, [candidate('a')]).map((c) => c.step.text)).toEqual(['a']);
  });
});
