import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from './arbor/v1/Problem';
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
      Problem: MessageTypeDefinition<_arbor_v1_Problem, _arbor_v1_Problem__Output>
      Sampling: MessageTypeDefinition<_arbor_v1_Sampling, _arbor_v1_Sampling__Output>
      Step: MessageTypeDefinition<_arbor_v1_Step, _arbor_v1_Step__Output>
      Trajectory: MessageTypeDefinition<_arbor_v1_Trajectory, _arbor_v1_Trajectory__Output>
      Usage: MessageTypeDefinition<_arbor_v1_Usage, _arbor_v1_Usage__Output>
    }
  }
}

