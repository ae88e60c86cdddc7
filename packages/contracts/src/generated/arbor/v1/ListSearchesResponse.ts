// Original file: ../../protos/arbor/v1/search.proto

import type { SearchSummary as _arbor_v1_SearchSummary, SearchSummary__Output as _arbor_v1_SearchSummary__Output } from '../../arbor/v1/SearchSummary';

export interface ListSearchesResponse {
  'searches'?: (_arbor_v1_SearchSummary)[];
}

export interface ListSearchesResponse__Output {
  'searches': (_arbor_v1_SearchSummary__Output)[];
}
