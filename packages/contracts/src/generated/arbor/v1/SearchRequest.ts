// Original file: ../../protos/arbor/v1/search.proto

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from '../../arbor/v1/Problem';
import type { BestOfN as _arbor_v1_BestOfN, BestOfN__Output as _arbor_v1_BestOfN__Output } from '../../arbor/v1/BestOfN';
import type { BeamSearch as _arbor_v1_BeamSearch, BeamSearch__Output as _arbor_v1_BeamSearch__Output } from '../../arbor/v1/BeamSearch';
import type { Mcts as _arbor_v1_Mcts, Mcts__Output as _arbor_v1_Mcts__Output } from '../../arbor/v1/Mcts';
import type { Dvts as _arbor_v1_Dvts, Dvts__Output as _arbor_v1_Dvts__Output } from '../../arbor/v1/Dvts';
import type { BestFirst as _arbor_v1_BestFirst, BestFirst__Output as _arbor_v1_BestFirst__Output } from '../../arbor/v1/BestFirst';
import type { LiteSearch as _arbor_v1_LiteSearch, LiteSearch__Output as _arbor_v1_LiteSearch__Output } from '../../arbor/v1/LiteSearch';
import type { Rebase as _arbor_v1_Rebase, Rebase__Output as _arbor_v1_Rebase__Output } from '../../arbor/v1/Rebase';
import type { Budget as _arbor_v1_Budget, Budget__Output as _arbor_v1_Budget__Output } from '../../arbor/v1/Budget';
import type { ParticleFilter as _arbor_v1_ParticleFilter, ParticleFilter__Output as _arbor_v1_ParticleFilter__Output } from '../../arbor/v1/ParticleFilter';
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
  'dvts'?: (_arbor_v1_Dvts | null);
  'bestFirst'?: (_arbor_v1_BestFirst | null);
  'litesearch'?: (_arbor_v1_LiteSearch | null);
  'rebase'?: (_arbor_v1_Rebase | null);
  'budget'?: (_arbor_v1_Budget | null);
  'seed'?: (number | string | Long);
  /**
   * Return the tree in the result: its first page (see GetTree), with next_page_token set when more follows.
   */
  'includeTree'?: (boolean);
  /**
   * Distinct answers to return in SearchResult.answers, best first; 0 returns none. At most 100.
   */
  'answers'?: (number);
  'particleFilter'?: (_arbor_v1_ParticleFilter | null);
  'algorithm'?: "bestOfN"|"beam"|"mcts"|"dvts"|"bestFirst"|"litesearch"|"rebase"|"particleFilter";
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
  'dvts'?: (_arbor_v1_Dvts__Output | null);
  'bestFirst'?: (_arbor_v1_BestFirst__Output | null);
  'litesearch'?: (_arbor_v1_LiteSearch__Output | null);
  'rebase'?: (_arbor_v1_Rebase__Output | null);
  'budget': (_arbor_v1_Budget__Output | null);
  'seed': (string);
  /**
   * Return the tree in the result: its first page (see GetTree), with next_page_token set when more follows.
   */
  'includeTree': (boolean);
  /**
   * Distinct answers to return in SearchResult.answers, best first; 0 returns none. At most 100.
   */
  'answers': (number);
  'particleFilter'?: (_arbor_v1_ParticleFilter__Output | null);
  'algorithm'?: "bestOfN"|"beam"|"mcts"|"dvts"|"bestFirst"|"litesearch"|"rebase"|"particleFilter";
}
