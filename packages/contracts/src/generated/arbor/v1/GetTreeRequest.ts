// Original file: ../../protos/arbor/v1/search.proto


export interface GetTreeRequest {
  'searchId'?: (string);
}

export interface GetTreeRequest__Output {
  'searchId': (string);
}
