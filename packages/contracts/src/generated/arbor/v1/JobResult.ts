// Original file: ../../protos/arbor/v1/search.proto

import type { SearchResult as _arbor_v1_SearchResult, SearchResult__Output as _arbor_v1_SearchResult__Output } from '../../arbor/v1/SearchResult';

/**
 * The answer to one (configuration, problem) of a job: a search result, or why there is none.
 */
export interface JobResult {
  'jobId'?: (string);
  'configurationIndex'?: (number);
  'problemIndex'?: (number);
  'configuration'?: (string);
  'problemId'?: (string);
  /**
   * Set when the search ended with a result (any stop reason but a shutdown, which is run again elsewhere).
   */
  'result'?: (_arbor_v1_SearchResult | null);
  /**
   * Otherwise the status code name and message of the failure (never the problem's text).
   */
  'errorCode'?: (string);
  'errorMessage'?: (string);
  /**
   * Runs of this problem that started: 1 unless a replica stopped, or a model outage outlasted a run, while it ran.
   */
  'attempts'?: (number);
}

/**
 * The answer to one (configuration, problem) of a job: a search result, or why there is none.
 */
export interface JobResult__Output {
  'jobId': (string);
  'configurationIndex': (number);
  'problemIndex': (number);
  'configuration': (string);
  'problemId': (string);
  /**
   * Set when the search ended with a result (any stop reason but a shutdown, which is run again elsewhere).
   */
  'result': (_arbor_v1_SearchResult__Output | null);
  /**
   * Otherwise the status code name and message of the failure (never the problem's text).
   */
  'errorCode': (string);
  'errorMessage': (string);
  /**
   * Runs of this problem that started: 1 unless a replica stopped, or a model outage outlasted a run, while it ran.
   */
  'attempts': (number);
}
