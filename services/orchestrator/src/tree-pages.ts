// Trees on the wire, a page at a time: a page holds at most MAX_PAGE_NODES nodes and about PAGE_BYTES of encoded
// nodes, so a tree of any size reads with a client's default 4 MiB message limit. A page token is where the next
// page starts (opaque to clients; ids are stable, since a tree only ever grows).
import type { Tree, TreeNode } from '@arbor/contracts';
import type { TreeNodeSnapshot, TreeView } from '@arbor/search';
import { InvalidArgumentError } from '@arbor/kit/errors';

export const MAX_PAGE_NODES = 100_000;
export const PAGE_BYTES = 2 * 1024 * 1024;
/** Nodes converted at a time while a page fills. */
const CHUNK = 1_024;
/** A node's encoded fields besides its texts (ids, depth, flags, numbers, tags), rounded up. */
const NODE_FIELD_BYTES = 64;

function toWire(node: TreeNodeSnapshot): TreeNode {
  return {
    id: node.id,
    parentId: node.parentId,
    depth: node.depth,
    step: node.step ?? null,
    terminal: node.terminal,
    answer: node.answer,
    visits: node.visits,
    expanded: node.expanded,
    ...(node.value !== undefined && { value: node.value }),
    ...(node.reward !== undefined && { reward: node.reward }),
    ...(node.outcome !== undefined && { outcome: node.outcome }),
  };
}

function encodedBytes(node: TreeNodeSnapshot): number {
  return NODE_FIELD_BYTES + Buffer.byteLength(node.step?.text ?? '') + Buffer.byteLength(node.answer);
}

function pageStart(token: string, size: number, startNodeId: number): number {
  if (token === '') return Math.min(startNodeId, size);
  const match = /^n(\d{1,9})$/.exec(token);
  const start = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(start) || start < 1 || start > size) {
    throw new InvalidArgumentError('page_token', 'is not a next_page_token of this tree');
  }
  return start;
}

/**
 * One page of `view`: `pageSize` nodes at most (0: as many as fit), starting where `pageToken` says, or without
 * one at node `startNodeId` (past the last node: an empty page); about `pageBytes` of nodes at most.
 */
export function treePage(searchId: string, view: TreeView, pageSize = 0, pageToken = '', startNodeId = 0, pageBytes = PAGE_BYTES): Tree {
  if (!Number.isInteger(pageSize) || pageSize < 0 || pageSize > MAX_PAGE_NODES) {
    throw new InvalidArgumentError('page_size', `must be between 0 and ${MAX_PAGE_NODES}, got ${pageSize}`);
  }
  const total = view.size;
  const start = pageStart(pageToken, total, startNodeId);
  const limit = pageSize === 0 ? MAX_PAGE_NODES : pageSize;
  const nodes: TreeNode[] = [];
  let bytes = 0;
  let next = start;
  fill: while (next < total && nodes.length < limit) {
    for (const node of view.slice(next, Math.min(total, next + CHUNK, start + limit))) {
      const size = encodedBytes(node);
      // Always at least one node, so that a page moves on even past a node larger than a page.
      if (nodes.length > 0 && bytes + size > pageBytes) break fill;
      nodes.push(toWire(node));
      bytes += size;
      next++;
    }
  }
  return { searchId, nodes, totalNodes: total, nextPageToken: next < total ? `n${next}` : '' };
}
