// Original file: ../../protos/arbor/v1/reward.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ScoreRequest as _arbor_v1_ScoreRequest, ScoreRequest__Output as _arbor_v1_ScoreRequest__Output } from '../../arbor/v1/ScoreRequest';
import type { ScoreResponse as _arbor_v1_ScoreResponse, ScoreResponse__Output as _arbor_v1_ScoreResponse__Output } from '../../arbor/v1/ScoreResponse';

export interface RewardServiceClient extends grpc.Client {
  Score(argument: _arbor_v1_ScoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _arbor_v1_ScoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _arbor_v1_ScoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  Score(argument: _arbor_v1_ScoreRequest, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _arbor_v1_ScoreRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _arbor_v1_ScoreRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _arbor_v1_ScoreRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  score(argument: _arbor_v1_ScoreRequest, callback: grpc.requestCallback<_arbor_v1_ScoreResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RewardServiceHandlers extends grpc.UntypedServiceImplementation {
  Score: grpc.handleUnaryCall<_arbor_v1_ScoreRequest__Output, _arbor_v1_ScoreResponse>;
  
}

export interface RewardServiceDefinition extends grpc.ServiceDefinition {
  Score: MethodDefinition<_arbor_v1_ScoreRequest, _arbor_v1_ScoreResponse, _arbor_v1_ScoreRequest__Output, _arbor_v1_ScoreResponse__Output>
}
