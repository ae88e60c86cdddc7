// Original file: ../../protos/arbor/v1/search.proto


export interface CancelSearchResponse {
  /**
   * False when no running search had that id.
   */
  'cancelled'?: (boolean);
}

export interface CancelSearchResponse__Output {
  /**
   * False when no running search had that id.
   */
  'cancelled': (boolean);
}
