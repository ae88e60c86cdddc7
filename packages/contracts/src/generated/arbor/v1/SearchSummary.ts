// Original file: ../../protos/arbor/v1/search.proto

import type { SearchStatus as _arbor_v1_SearchStatus, SearchStatus__Output as _arbor_v1_SearchStatus__Output } from '../../arbor/v1/SearchStatus';
import type { StopReason as _arbor_v1_StopReason, StopReason__Output as _arbor_v1_StopReason__Output } from '../../arbor/v1/StopReason';
import type { SearchStats as _arbor_v1_SearchStats, SearchStats__Output as _arbor_v1_SearchStats__Output } from '../../arbor/v1/SearchStats';
import type { ServiceCost as _arbor_v1_ServiceCost, ServiceCost__Output as _arbor_v1_ServiceCost__Output } from '../../arbor/v1/ServiceCost';
import type { Long } from '@grpc/proto-loader';

/**
 * One search as ListSearches reports it. The server keeps the latest summaries (a fixed number, oldest dropped).
 */
export interface SearchSummary {
  'searchId'?: (string);
  'problemId'?: (string);
  'task'?: (string);
  'algorithm'?: (string);
  'status'?: (_arbor_v1_SearchStatus);
  /**
   * Unspecified while running.
   */
  'stopReason'?: (_arbor_v1_StopReason);
  'solved'?: (boolean);
  'answer'?: (string);
  'score'?: (number | string);
  /**
   * For a running search: as of its latest progress report.
   */
  'stats'?: (_arbor_v1_SearchStats | null);
  'cost'?: (_arbor_v1_ServiceCost)[];
  'traceId'?: (string);
  /**
   * Milliseconds since the Unix epoch; finished is 0 while running.
   */
  'startedUnixMs'?: (number | string | Long);
  'finishedUnixMs'?: (number | string | Long);
  /**
   * Node ids from the root to the chosen trajectory's last node (empty while running or when nothing was chosen).
   */
  'chosenPath'?: (number)[];
  /**
   * A failed search's status code name and message (never the problem's text).
   */
  'error'?: (string);
}

/**
 * One search as ListSearches reports it. The server keeps the latest summaries (a fixed number, oldest dropped).
 */
export interface SearchSummary__Output {
  'searchId': (string);
  'problemId': (string);
  'task': (string);
  'algorithm': (string);
  'status': (_arbor_v1_SearchStatus__Output);
  /**
   * Unspecified while running.
   */
  'stopReason': (_arbor_v1_StopReason__Output);
  'solved': (boolean);
  'answer': (string);
  'score': (number);
  /**
   * For a running search: as of its latest progress report.
   */
  'stats': (_arbor_v1_SearchStats__Output | null);
  'cost': (_arbor_v1_ServiceCost__Output)[];
  'traceId': (string);
  /**
   * Milliseconds since the Unix epoch; finished is 0 while running.
   */
  'startedUnixMs': (string);
  'finishedUnixMs': (string);
  /**
   * Node ids from the root to the chosen trajectory's last node (empty while running or when nothing was chosen).
   */
  'chosenPath': (number)[];
  /**
   * A failed search's status code name and message (never the problem's text).
   */
  'error': (string);
}
