// Original file: ../../protos/arbor/v1/search.proto

import type { SearchRequest as _arbor_v1_SearchRequest, SearchRequest__Output as _arbor_v1_SearchRequest__Output } from '../../arbor/v1/SearchRequest';

/**
 * One cell of a job's grid: how to search. Its search request's problem, search_id, include_tree and answers are
 * ignored: problem i of the job runs with this configuration's seed + i, under the id "<job_id>.<c>.<i>" (c the
 * configuration's index), so that GetTree finds every tree of a job.
 */
export interface JobConfiguration {
  /**
   * Unique in the job, e.g. "mcts.steps-256.seed-1": letters, digits and . _ - only.
   */
  'name'?: (string);
  'search'?: (_arbor_v1_SearchRequest | null);
}

/**
 * One cell of a job's grid: how to search. Its search request's problem, search_id, include_tree and answers are
 * ignored: problem i of the job runs with this configuration's seed + i, under the id "<job_id>.<c>.<i>" (c the
 * configuration's index), so that GetTree finds every tree of a job.
 */
export interface JobConfiguration__Output {
  /**
   * Unique in the job, e.g. "mcts.steps-256.seed-1": letters, digits and . _ - only.
   */
  'name': (string);
  'search': (_arbor_v1_SearchRequest__Output | null);
}
