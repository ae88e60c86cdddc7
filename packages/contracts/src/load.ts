// Loads protos/arbor/v1 once, with the same options the committed types were generated with.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as PolicyProto } from './generated/policy.js';
import type { ProtoGrpcType as ValueProto } from './generated/value.js';
import type { ProtoGrpcType as RewardProto } from './generated/reward.js';
import type { ProtoGrpcType as SearchProto } from './generated/search.js';

/** Root of the proto tree (`protos/` at the repository root). */
export const PROTO_ROOT = fileURLToPath(new URL('../../../protos', import.meta.url));

export const PROTO_FILES = [
  'arbor/v1/common.proto',
  'arbor/v1/policy.proto',
  'arbor/v1/value.proto',
  'arbor/v1/reward.proto',
  'arbor/v1/search.proto',
] as const;

/** Must match the flags of `proto-loader-gen-types` in package.json, or the types lie. */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

let cached: protoLoader.PackageDefinition | undefined;

/** The package definition of every Arbor service, for servers, clients and reflection. */
export function arborPackageDefinition(): protoLoader.PackageDefinition {
  cached ??= protoLoader.loadSync([...PROTO_FILES], LOADER_OPTIONS);
  return cached;
}

export type ArborProto = PolicyProto & ValueProto & RewardProto & SearchProto;

/** The loaded `arbor.v1` namespace: service constructors and their definitions. */
export function arborV1(): ArborProto['arbor']['v1'] {
  const loaded = grpc.loadPackageDefinition(arborPackageDefinition()) as unknown as ArborProto;
  return loaded.arbor.v1;
}
