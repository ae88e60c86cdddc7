// Original file: ../../protos/arbor/v1/search.proto

import type { TreeNode as _arbor_v1_TreeNode, TreeNode__Output as _arbor_v1_TreeNode__Output } from '../../arbor/v1/TreeNode';

export interface Tree {
  'searchId'?: (string);
  'nodes'?: (_arbor_v1_TreeNode)[];
}

export interface Tree__Output {
  'searchId': (string);
  'nodes': (_arbor_v1_TreeNode__Output)[];
}
