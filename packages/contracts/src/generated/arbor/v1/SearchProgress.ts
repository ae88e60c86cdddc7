// Original file: ../../protos/arbor/v1/search.proto

import type { SearchStats as _arbor_v1_SearchStats, SearchStats__Output as _arbor_v1_SearchStats__Output } from '../../arbor/v1/SearchStats';

export interface SearchProgress {
  'searchId'?: (string);
  'stats'?: (_arbor_v1_SearchStats | null);
  'bestScore'?: (number | string);
  'bestAnswer'?: (string);
}

export interface SearchProgress__Output {
  'searchId': (string);
  'stats': (_arbor_v1_SearchStats__Output | null);
  'bestScore': (number);
  'bestAnswer': (string);
}
