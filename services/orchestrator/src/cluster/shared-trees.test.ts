// Trees read back from the object store page as live ones do; object names keep tenants apart.
import { describe, expect, it } from 'vitest';
import type { TreeNodeSnapshot } from '@arbor/search';
import { treePage } from '../tree-pages.js';
import { snapshotView, treeObjectName } from './shared-trees.js';

const nodes: TreeNodeSnapshot[] = Array.from({ length: 5 }, (_, id) => ({
  id,
  parentId: id === 0 ? 0 : id - 1,
  depth: id,
  step: id === 0 ? null : { text: `step ${id}`, logprob: -0.5, tokens: 3 },
  terminal: id === 4,
  answer: id === 4 ? '24' : '',
  visits: 5 - id,
  expanded: id < 4,
  ...(id > 0 && { value: id / 10 }),
}));

describe('shared trees', () => {
  it('a stored tree pages like a live one: same nodes, same tokens, copies that cannot change the store', () => {
    const view = snapshotView(nodes);
    expect(view.size).toBe(5);
    const first = treePage('s', view, 2);
    expect(first.nodes!.map((n) => n.id)).toEqual([0, 1]);
    expect(first.nextPageToken).toBe('n2');
    const rest = treePage('s', view, 0, first.nextPageToken);
    expect(rest.nodes!.map((n) => n.id)).toEqual([2, 3, 4]);
    expect(rest.nodes![2]).toMatchObject({ terminal: true, answer: '24', value: 0.4 });
    view.slice(0, 1)[0]!.visits = 99;
    expect(view.slice(0, 1)[0]!.visits).toBe(5);
  });

  it('object names differ by tenant for one search id, and hold no tenant name', () => {
    expect(treeObjectName('acme', 's1')).not.toBe(treeObjectName('globex', 's1'));
    expect(treeObjectName('acme', 's1')).toMatch(/^[0-9a-f]{32}\.s1$/);
  });
});
