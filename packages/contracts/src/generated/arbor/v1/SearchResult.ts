// Original file: ../../protos/arbor/v1/search.proto

import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from '../../arbor/v1/Trajectory';
import type { SearchStats as _arbor_v1_SearchStats, SearchStats__Output as _arbor_v1_SearchStats__Output } from '../../arbor/v1/SearchStats';
import type { ServiceCost as _arbor_v1_ServiceCost, ServiceCost__Output as _arbor_v1_ServiceCost__Output } from '../../arbor/v1/ServiceCost';
import type { StopReason as _arbor_v1_StopReason, StopReason__Output as _arbor_v1_StopReason__Output } from '../../arbor/v1/StopReason';
import type { Tree as _arbor_v1_Tree, Tree__Output as _arbor_v1_Tree__Output } from '../../arbor/v1/Tree';
import type { RankedAnswer as _arbor_v1_RankedAnswer, RankedAnswer__Output as _arbor_v1_RankedAnswer__Output } from '../../arbor/v1/RankedAnswer';

export interface SearchResult {
  'searchId'?: (string);
  /**
   * Final answer, empty when none was found.
   */
  'answer'?: (string);
  /**
   * True when the task's verifier confirmed the answer.
   */
  'solved'?: (boolean);
  'best'?: (_arbor_v1_Trajectory | null);
  /**
   * The algorithm's score for the chosen answer (vote share, aggregated reward or value).
   */
  'score'?: (number | string);
  'stats'?: (_arbor_v1_SearchStats | null);
  'cost'?: (_arbor_v1_ServiceCost)[];
  'stopReason'?: (_arbor_v1_StopReason);
  'traceId'?: (string);
  'tree'?: (_arbor_v1_Tree | null);
  'algorithm'?: (string);
  /**
   * Up to SearchRequest.answers distinct answers (equal answers grouped as the task compares them): the chosen one
   * first, then the others by verified first, then the trajectories that reached them, then their best score.
   */
  'answers'?: (_arbor_v1_RankedAnswer)[];
}

export interface SearchResult__Output {
  'searchId': (string);
  /**
   * Final answer, empty when none was found.
   */
  'answer': (string);
  /**
   * True when the task's verifier confirmed the answer.
   */
  'solved': (boolean);
  'best': (_arbor_v1_Trajectory__Output | null);
  /**
   * The algorithm's score for the chosen answer (vote share, aggregated reward or value).
   */
  'score': (number);
  'stats': (_arbor_v1_SearchStats__Output | null);
  'cost': (_arbor_v1_ServiceCost__Output)[];
  'stopReason': (_arbor_v1_StopReason__Output);
  'traceId': (string);
  'tree': (_arbor_v1_Tree__Output | null);
  'algorithm': (string);
  /**
   * Up to SearchRequest.answers distinct answers (equal answers grouped as the task compares them): the chosen one
   * first, then the others by verified first, then the trajectories that reached them, then their best score.
   */
  'answers': (_arbor_v1_RankedAnswer__Output)[];
}
