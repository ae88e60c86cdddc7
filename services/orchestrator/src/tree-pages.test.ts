// Pages of a tree: bounded by count and by encoded size, chained by tokens, never empty while nodes remain.
import { describe, expect, it } from 'vitest';
import { arborV1 } from '@arbor/contracts';
import type { TreeNodeSnapshot, TreeView } from '@arbor/search';
import { InvalidArgumentError } from '@arbor/kit/errors';
import { PAGE_BYTES, treePage } from './tree-pages.js';

/** A root and `children` children, as a search's tree view shows them. */
function tree(children: number, text: (i: number) => string): TreeView {
  const node = (id: number, step: TreeNodeSnapshot['step']): TreeNodeSnapshot => ({
    id,
    parentId: 0,
    depth: id === 0 ? 0 : 1,
    step,
    terminal: false,
    answer: '',
    visits: 0,
    expanded: id === 0,
  });
  const nodes = [node(0, null), ...Array.from({ length: children }, (_, i) => node(i + 1, { text: text(i), logprob: -1, tokens: 3 }))];
  return { size: nodes.length, estimatedBytes: 0, slice: (start, end) => nodes.slice(start, end).map((n) => ({ ...n })) };
}

function readAll(view: TreeView, pageSize = 0) {
  const pages = [];
  let token = '';
  do {
    const page = treePage('s', view, pageSize, token);
    pages.push(page);
    token = page.nextPageToken ?? '';
  } while (token);
  return pages;
}

describe('treePage', () => {
  it('starts at start_node_id when no token is given, and past the last node returns an empty page', () => {
    const view = tree(5, (i) => `step ${i}`);
    expect(treePage('s', view, 0, '', 4).nodes?.map((n) => n.id)).toEqual([4, 5]);
    expect(treePage('s', view, 1, '', 3)).toMatchObject({ nextPageToken: 'n4', totalNodes: 6 });
    expect(treePage('s', view, 0, '', 6).nodes).toEqual([]);
    expect(treePage('s', view, 0, '', 99)).toMatchObject({ nodes: [], totalNodes: 6, nextPageToken: '' });
  });

  it('returns a small tree in one page', () => {
    const page = treePage('s', tree(5, (i) => `step ${i}`));
    expect(page.nodes?.map((n) => n.id)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(page.totalNodes).toBe(6);
    expect(page.nextPageToken).toBe('');
  });

  it('pages by page_size, every node once, in id order', () => {
    const pages = readAll(tree(10, (i) => `step ${i}`), 4);
    expect(pages.map((p) => p.nodes?.length)).toEqual([4, 4, 3]);
    expect(pages.flatMap((p) => p.nodes?.map((n) => n.id))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps every page under the byte budget, encoded, so default 4 MiB clients can read any tree', () => {
    const view = tree(3_000, (i) => `${i} `.padEnd(2_000, 'x'));
    const pages = readAll(view);
    expect(pages.length).toBeGreaterThan(2);
    const encode = arborV1().SearchService.service.GetTree.responseSerialize;
    for (const page of pages) expect(encode(page).length).toBeLessThanOrEqual(PAGE_BYTES + 1_024);
    expect(pages.flatMap((p) => p.nodes ?? [])).toHaveLength(3_001);
  });

  it('moves on past a node larger than a page', () => {
    const pages = readAll(tree(2, () => 'y'.repeat(PAGE_BYTES + 10)));
    expect(pages.map((p) => p.nodes?.length)).toEqual([1, 1, 1]);
  });

  it('refuses a token it did not give and a page_size over the maximum, naming the field', () => {
    const view = tree(3, (i) => `step ${i}`);
    for (const token of ['x', 'n0', 'n99', '12', 'n-1']) {
      expect(() => treePage('s', view, 0, token)).toThrow(InvalidArgumentError);
      expect(() => treePage('s', view, 0, token)).toThrow(/^page_token: /);
    }
    expect(() => treePage('s', view, 100_001)).toThrow(/^page_size: must be between 0 and 100000, got 100001$/);
  });
});
