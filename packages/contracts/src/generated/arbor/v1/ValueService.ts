// Original file: ../../protos/arbor/v1/value.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EvaluateRequest as _arbor_v1_EvaluateRequest, EvaluateRequest__Output as _arbor_v1_EvaluateRequest__Output } from '../../arbor/v1/EvaluateRequest';
import type { EvaluateResponse as _arbor_v1_EvaluateResponse, EvaluateResponse__Output as _arbor_v1_EvaluateResponse__Output } from '../../arbor/v1/EvaluateResponse';

export interface ValueServiceClient extends grpc.Client {
  Evaluate(argument: _arbor_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _arbor_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _arbor_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  Evaluate(argument: _arbor_v1_EvaluateRequest, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _arbor_v1_EvaluateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _arbor_v1_EvaluateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _arbor_v1_EvaluateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  evaluate(argument: _arbor_v1_EvaluateRequest, callback: grpc.requestCallback<_arbor_v1_EvaluateResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ValueServiceHandlers extends grpc.UntypedServiceImplementation {
  Evaluate: grpc.handleUnaryCall<_arbor_v1_EvaluateRequest__Output, _arbor_v1_EvaluateResponse>;
  
}

export interface ValueServiceDefinition extends grpc.ServiceDefinition {
  Evaluate: MethodDefinition<_arbor_v1_EvaluateRequest, _arbor_v1_EvaluateResponse, _arbor_v1_EvaluateRequest__Output, _arbor_v1_EvaluateResponse__Output>
}
