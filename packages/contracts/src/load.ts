// Loads protos/arbor/v1 once, with the same options the committed types were generated with.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType as PolicyProto } from './generated/policy.js';
import type { ProtoGrpcType as ValueProto } from './generated/value.js';
import type { ProtoGrpcType as RewardProto } from './generated/reward.js';
import type { ProtoGrpcType as SearchProto } from './generated/search.js';

/**
 * Root of the proto tree: `ARBOR_PROTO_ROOT`, else the nearest `protos/` above this module. Searching upward
 * keeps it right both in the source tree and in a bundle (apps/arbor/dist) or an image (/app).
 */
export const PROTO_ROOT = findProtoRoot();

function findProtoRoot(): string {
  const fromEnv = process.env.ARBOR_PROTO_ROOT;
  if (fromEnv) return fromEnv;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'protos');
    if (existsSync(join(candidate, 'arbor/v1/common.proto'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find protos/arbor/v1; set ARBOR_PROTO_ROOT');
    dir = parent;
  }
}

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
