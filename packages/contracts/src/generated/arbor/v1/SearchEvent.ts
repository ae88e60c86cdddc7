// Original file: ../../protos/arbor/v1/search.proto

import type { SearchProgress as _arbor_v1_SearchProgress, SearchProgress__Output as _arbor_v1_SearchProgress__Output } from '../../arbor/v1/SearchProgress';
import type { SearchResult as _arbor_v1_SearchResult, SearchResult__Output as _arbor_v1_SearchResult__Output } from '../../arbor/v1/SearchResult';

export interface SearchEvent {
  'progress'?: (_arbor_v1_SearchProgress | null);
  'result'?: (_arbor_v1_SearchResult | null);
  'event'?: "progress"|"result";
}

export interface SearchEvent__Output {
  'progress'?: (_arbor_v1_SearchProgress__Output | null);
  'result'?: (_arbor_v1_SearchResult__Output | null);
  'event'?: "progress"|"result";
}
