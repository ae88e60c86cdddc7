// Original file: ../../protos/arbor/v1/search.proto


export interface CancelSearchRequest {
  'searchId'?: (string);
}

export interface CancelSearchRequest__Output {
  'searchId': (string);
}
