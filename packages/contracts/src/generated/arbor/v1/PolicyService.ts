// Original file: ../../protos/arbor/v1/policy.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ProposeRequest as _arbor_v1_ProposeRequest, ProposeRequest__Output as _arbor_v1_ProposeRequest__Output } from '../../arbor/v1/ProposeRequest';
import type { ProposeResponse as _arbor_v1_ProposeResponse, ProposeResponse__Output as _arbor_v1_ProposeResponse__Output } from '../../arbor/v1/ProposeResponse';

export interface PolicyServiceClient extends grpc.Client {
  Propose(argument: _arbor_v1_ProposeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _arbor_v1_ProposeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _arbor_v1_ProposeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  Propose(argument: _arbor_v1_ProposeRequest, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _arbor_v1_ProposeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _arbor_v1_ProposeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _arbor_v1_ProposeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  propose(argument: _arbor_v1_ProposeRequest, callback: grpc.requestCallback<_arbor_v1_ProposeResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PolicyServiceHandlers extends grpc.UntypedServiceImplementation {
  Propose: grpc.handleUnaryCall<_arbor_v1_ProposeRequest__Output, _arbor_v1_ProposeResponse>;
  
}

export interface PolicyServiceDefinition extends grpc.ServiceDefinition {
  Propose: MethodDefinition<_arbor_v1_ProposeRequest, _arbor_v1_ProposeResponse, _arbor_v1_ProposeRequest__Output, _arbor_v1_ProposeResponse__Output>
}
