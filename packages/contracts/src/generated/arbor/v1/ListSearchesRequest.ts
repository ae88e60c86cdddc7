// Original file: ../../protos/arbor/v1/search.proto


export interface ListSearchesRequest {
  /**
   * Searches to return, newest first; 0 means 50, at most 1000.
   */
  'limit'?: (number);
  /**
   * Only this search (empty: every recent search of the caller's).
   */
  'searchId'?: (string);
}

export interface ListSearchesRequest__Output {
  /**
   * Searches to return, newest first; 0 means 50, at most 1000.
   */
  'limit': (number);
  /**
   * Only this search (empty: every recent search of the caller's).
   */
  'searchId': (string);
}
