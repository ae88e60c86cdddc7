// Original file: ../../protos/arbor/v1/search.proto


export interface GetTreeRequest {
  'searchId'?: (string);
  /**
   * Nodes per page, at most 100000; 0 takes as many as fit in about 2 MiB. A page never passes that size, so a
   * tree of any size reads with a client's default 4 MiB message limit, page by page.
   */
  'pageSize'?: (number);
  /**
   * The next_page_token of the page before; empty for the first page.
   */
  'pageToken'?: (string);
  /**
   * With no page_token: the first page starts at this node id rather than at the root, so that a client following
   * a growing tree reads only the nodes it has not seen (ids are stable: a tree only grows).
   */
  'startNodeId'?: (number);
}

export interface GetTreeRequest__Output {
  'searchId': (string);
  /**
   * Nodes per page, at most 100000; 0 takes as many as fit in about 2 MiB. A page never passes that size, so a
   * tree of any size reads with a client's default 4 MiB message limit, page by page.
   */
  'pageSize': (number);
  /**
   * The next_page_token of the page before; empty for the first page.
   */
  'pageToken': (string);
  /**
   * With no page_token: the first page starts at this node id rather than at the root, so that a client following
   * a growing tree reads only the nodes it has not seen (ids are stable: a tree only grows).
   */
  'startNodeId': (number);
}
