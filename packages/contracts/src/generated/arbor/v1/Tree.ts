// Original file: ../../protos/arbor/v1/search.proto

import type { TreeNode as _arbor_v1_TreeNode, TreeNode__Output as _arbor_v1_TreeNode__Output } from '../../arbor/v1/TreeNode';

/**
 * A tree, or one page of it: nodes in id order (a parent always before its children).
 */
export interface Tree {
  'searchId'?: (string);
  'nodes'?: (_arbor_v1_TreeNode)[];
  /**
   * Set when more nodes follow: pass it as GetTreeRequest.page_token for the next page.
   */
  'nextPageToken'?: (string);
  /**
   * Nodes in the whole tree (for a running search: when this page was read).
   */
  'totalNodes'?: (number);
}

/**
 * A tree, or one page of it: nodes in id order (a parent always before its children).
 */
export interface Tree__Output {
  'searchId': (string);
  'nodes': (_arbor_v1_TreeNode__Output)[];
  /**
   * Set when more nodes follow: pass it as GetTreeRequest.page_token for the next page.
   */
  'nextPageToken': (string);
  /**
   * Nodes in the whole tree (for a running search: when this page was read).
   */
  'totalNodes': (number);
}
