// Original file: ../../protos/arbor/v1/search.proto

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';
import type { BestOfN as _arbor_v1_BestOfN, BestOfN__Output as _arbor_v1_BestOfN__Output } from '../../arbor/v1/BestOfN';
import type { BeamSearch as _arbor_v1_BeamSearch, BeamSearch__Output as _arbor_v1_BeamSearch__Output } from '../../arbor/v1/BeamSearch';
import type { Mcts as _arbor_v1_Mcts, Mcts__Output as _arbor_v1_Mcts__Output } from '../../arbor/v1/Mcts';
import type { Budget as _arbor_v1_Budget, Budget__Output as _arbor_v1_Budget__Output } from '../../arbor/v1/Budget';
import type { Long } from '@grpc/proto-loader';

export interface SearchRequest {
  /**
   * Optional; the server assigns one when empty. Used by GetTree and CancelSearch.
   */
  'searchId'?: (string);
  'problem'?: (_arbor_v1_Problem | null);
  'bestOfN'?: (_arbor_v1_BestOfN | null);
  'beam'?: (_arbor_v1_BeamSearch | null);
  'mcts'?: (_arbor_v1_Mcts | null);
  'budget'?: (_arbor_v1_Budget | null);
  'seed'?: (number | string | Long);
  /**
   * Return the whole tree in the result.
   */
  'includeTree'?: (boolean);
  'algorithm'?: "bestOfN"|"beam"|"mcts";
}

export interface SearchRequest__Output {
  /**
   * Optional; the server assigns one when empty. Used by GetTree and CancelSearch.
   */
  'searchId': (string);
  'problem': (_arbor_v1_Problem__Output | null);
  'bestOfN'?: (_arbor_v1_BestOfN__Output | null);
  'beam'?: (_arbor_v1_BeamSearch__Output | null);
  'mcts'?: (_arbor_v1_Mcts__Output | null);
  'budget': (_arbor_v1_Budget__Output | null);
  'seed': (string);
  /**
   * Return the whole tree in the result.
   */
  'includeTree': (boolean);
  'algorithm'?: "bestOfN"|"beam"|"mcts";
}
