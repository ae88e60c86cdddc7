// Original file: ../../protos/arbor/v1/search.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelSearchRequest as _arbor_v1_CancelSearchRequest, CancelSearchRequest__Output as _arbor_v1_CancelSearchRequest__Output } from '../../arbor/v1/CancelSearchRequest';
import type { CancelSearchResponse as _arbor_v1_CancelSearchResponse, CancelSearchResponse__Output as _arbor_v1_CancelSearchResponse__Output } from '../../arbor/v1/CancelSearchResponse';
import type { GetTreeRequest as _arbor_v1_GetTreeRequest, GetTreeRequest__Output as _arbor_v1_GetTreeRequest__Output } from '../../arbor/v1/GetTreeRequest';
import type { ListSearchesRequest as _arbor_v1_ListSearchesRequest, ListSearchesRequest__Output as _arbor_v1_ListSearchesRequest__Output } from '../../arbor/v1/ListSearchesRequest';
import type { ListSearchesResponse as _arbor_v1_ListSearchesResponse, ListSearchesResponse__Output as _arbor_v1_ListSearchesResponse__Output } from '../../arbor/v1/ListSearchesResponse';
import type { SearchEvent as _arbor_v1_SearchEvent, SearchEvent__Output as _arbor_v1_SearchEvent__Output } from '../../arbor/v1/SearchEvent';
import type { SearchRequest as _arbor_v1_SearchRequest, SearchRequest__Output as _arbor_v1_SearchRequest__Output } from '../../arbor/v1/SearchRequest';
import type { SearchResult as _arbor_v1_SearchResult, SearchResult__Output as _arbor_v1_SearchResult__Output } from '../../arbor/v1/SearchResult';
import type { Tree as _arbor_v1_Tree, Tree__Output as _arbor_v1_Tree__Output } from '../../arbor/v1/Tree';

export interface SearchServiceClient extends grpc.Client {
  /**
   * Stops a running search; it ends with stop reason CANCELLED and its best answer so far.
   */
  CancelSearch(argument: _arbor_v1_CancelSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _arbor_v1_CancelSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _arbor_v1_CancelSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  CancelSearch(argument: _arbor_v1_CancelSearchRequest, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops a running search; it ends with stop reason CANCELLED and its best answer so far.
   */
  cancelSearch(argument: _arbor_v1_CancelSearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _arbor_v1_CancelSearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _arbor_v1_CancelSearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  cancelSearch(argument: _arbor_v1_CancelSearchRequest, callback: grpc.requestCallback<_arbor_v1_CancelSearchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Returns the tree of a running or recently finished search, a page at a time. Finished trees are kept within a
   * byte budget, oldest dropped first; a dropped one answers NOT_FOUND saying it expired.
   */
  GetTree(argument: _arbor_v1_GetTreeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _arbor_v1_GetTreeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _arbor_v1_GetTreeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _arbor_v1_GetTreeRequest, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  /**
   * Returns the tree of a running or recently finished search, a page at a time. Finished trees are kept within a
   * byte budget, oldest dropped first; a dropped one answers NOT_FOUND saying it expired.
   */
  getTree(argument: _arbor_v1_GetTreeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  getTree(argument: _arbor_v1_GetTreeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  getTree(argument: _arbor_v1_GetTreeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  getTree(argument: _arbor_v1_GetTreeRequest, callback: grpc.requestCallback<_arbor_v1_Tree__Output>): grpc.ClientUnaryCall;
  
  /**
   * The caller's recent searches, running and ended, newest first: a summary each, without the tree.
   */
  ListSearches(argument: _arbor_v1_ListSearchesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _arbor_v1_ListSearchesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _arbor_v1_ListSearchesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  ListSearches(argument: _arbor_v1_ListSearchesRequest, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The caller's recent searches, running and ended, newest first: a summary each, without the tree.
   */
  listSearches(argument: _arbor_v1_ListSearchesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _arbor_v1_ListSearchesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _arbor_v1_ListSearchesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  listSearches(argument: _arbor_v1_ListSearchesRequest, callback: grpc.requestCallback<_arbor_v1_ListSearchesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs a search to completion and returns its result.
   */
  Search(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  Search(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  Search(argument: _arbor_v1_SearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  Search(argument: _arbor_v1_SearchRequest, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  /**
   * Runs a search to completion and returns its result.
   */
  search(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  search(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  search(argument: _arbor_v1_SearchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  search(argument: _arbor_v1_SearchRequest, callback: grpc.requestCallback<_arbor_v1_SearchResult__Output>): grpc.ClientUnaryCall;
  
  /**
   * Runs a search, streaming progress events at a bounded rate and the result last.
   */
  StreamSearch(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_SearchEvent__Output>;
  StreamSearch(argument: _arbor_v1_SearchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_SearchEvent__Output>;
  /**
   * Runs a search, streaming progress events at a bounded rate and the result last.
   */
  streamSearch(argument: _arbor_v1_SearchRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_SearchEvent__Output>;
  streamSearch(argument: _arbor_v1_SearchRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_SearchEvent__Output>;
  
}

export interface SearchServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Stops a running search; it ends with stop reason CANCELLED and its best answer so far.
   */
  CancelSearch: grpc.handleUnaryCall<_arbor_v1_CancelSearchRequest__Output, _arbor_v1_CancelSearchResponse>;
  
  /**
   * Returns the tree of a running or recently finished search, a page at a time. Finished trees are kept within a
   * byte budget, oldest dropped first; a dropped one answers NOT_FOUND saying it expired.
   */
  GetTree: grpc.handleUnaryCall<_arbor_v1_GetTreeRequest__Output, _arbor_v1_Tree>;
  
  /**
   * The caller's recent searches, running and ended, newest first: a summary each, without the tree.
   */
  ListSearches: grpc.handleUnaryCall<_arbor_v1_ListSearchesRequest__Output, _arbor_v1_ListSearchesResponse>;
  
  /**
   * Runs a search to completion and returns its result.
   */
  Search: grpc.handleUnaryCall<_arbor_v1_SearchRequest__Output, _arbor_v1_SearchResult>;
  
  /**
   * Runs a search, streaming progress events at a bounded rate and the result last.
   */
  StreamSearch: grpc.handleServerStreamingCall<_arbor_v1_SearchRequest__Output, _arbor_v1_SearchEvent>;
  
}

export interface SearchServiceDefinition extends grpc.ServiceDefinition {
  CancelSearch: MethodDefinition<_arbor_v1_CancelSearchRequest, _arbor_v1_CancelSearchResponse, _arbor_v1_CancelSearchRequest__Output, _arbor_v1_CancelSearchResponse__Output>
  GetTree: MethodDefinition<_arbor_v1_GetTreeRequest, _arbor_v1_Tree, _arbor_v1_GetTreeRequest__Output, _arbor_v1_Tree__Output>
  ListSearches: MethodDefinition<_arbor_v1_ListSearchesRequest, _arbor_v1_ListSearchesResponse, _arbor_v1_ListSearchesRequest__Output, _arbor_v1_ListSearchesResponse__Output>
  Search: MethodDefinition<_arbor_v1_SearchRequest, _arbor_v1_SearchResult, _arbor_v1_SearchRequest__Output, _arbor_v1_SearchResult__Output>
  StreamSearch: MethodDefinition<_arbor_v1_SearchRequest, _arbor_v1_SearchEvent, _arbor_v1_SearchRequest__Output, _arbor_v1_SearchEvent__Output>
}
