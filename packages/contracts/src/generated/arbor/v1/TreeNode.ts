// Original file: ../../protos/arbor/v1/search.proto

import type { Step as _arbor_v1_Step, Step__Output as _arbor_v1_Step__Output } from '../../arbor/v1/Step';

export interface TreeNode {
  'id'?: (number);
  /**
   * The root's parent_id equals its id (0).
   */
  'parentId'?: (number);
  'depth'?: (number);
  'step'?: (_arbor_v1_Step | null);
  'terminal'?: (boolean);
  'answer'?: (string);
  'value'?: (number | string);
  /**
   * Process reward of this node's step.
   */
  'reward'?: (number | string);
  'outcome'?: (number | string);
  'visits'?: (number);
  'expanded'?: (boolean);
  '_value'?: "value";
  '_reward'?: "reward";
  '_outcome'?: "outcome";
}

export interface TreeNode__Output {
  'id': (number);
  /**
   * The root's parent_id equals its id (0).
   */
  'parentId': (number);
  'depth': (number);
  'step': (_arbor_v1_Step__Output | null);
  'terminal': (boolean);
  'answer': (string);
  'value'?: (number);
  /**
   * Process reward of this node's step.
   */
  'reward'?: (number);
  'outcome'?: (number);
  'visits': (number);
  'expanded': (boolean);
  '_value'?: "value";
  '_reward'?: "reward";
  '_outcome'?: "outcome";
}
