import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Candidate as _arbor_v1_Candidate, Candidate__Output as _arbor_v1_Candidate__Output } from './arbor/v1/Candidate';
import type { PolicyServiceClient as _arbor_v1_PolicyServiceClient, PolicyServiceDefinition as _arbor_v1_PolicyServiceDefinition } from './arbor/v1/PolicyService';
import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from './arbor/v1/Problem';
import type { ProposeRequest as _arbor_v1_ProposeRequest, ProposeRequest__Output as _arbor_v1_ProposeRequest__Output } from './arbor/v1/ProposeRequest';
import type { ProposeResponse as _arbor_v1_ProposeResponse, ProposeResponse__Output as _arbor_v1_ProposeResponse__Output } from './arbor/v1/ProposeResponse';
import type { Sampling as _arbor_v1_Sampling, Sampling__Output as _arbor_v1_Sampling__Output } from './arbor/v1/Sampling';
import type { Step as _arbor_v1_Step, Step__Output as _arbor_v1_Step__Output } from './arbor/v1/Step';
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from './arbor/v1/Trajectory';
import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from './arbor/v1/Usage';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  arbor: {
    v1: {
      Candidate: MessageTypeDefinition<_arbor_v1_Candidate, _arbor_v1_Candidate__Output>
      PolicyService: SubtypeConstructor<typeof grpc.Client, _arbor_v1_PolicyServiceClient> & { service: _arbor_v1_PolicyServiceDefinition }
      Problem: MessageTypeDefinition<_arbor_v1_Problem, _arbor_v1_Problem__Output>
      ProposeRequest: MessageTypeDefinition<_arbor_v1_ProposeRequest, _arbor_v1_ProposeRequest__Output>
      ProposeResponse: MessageTypeDefinition<_arbor_v1_ProposeResponse, _arbor_v1_ProposeResponse__Output>
      Sampling: MessageTypeDefinition<_arbor_v1_Sampling, _arbor_v1_Sampling__Output>
      Step: MessageTypeDefinition<_arbor_v1_Step, _arbor_v1_Step__Output>
      Trajectory: MessageTypeDefinition<_arbor_v1_Trajectory, _arbor_v1_Trajectory__Output>
      Usage: MessageTypeDefinition<_arbor_v1_Usage, _arbor_v1_Usage__Output>
    }
  }
}

