// The descriptors protoc builds from the protos (src/generated/descriptor-set.ts, made by `npm run generate`).
// Server reflection serves them as they are: what proto-loader reconstructs through protobufjs is not the same
// schema (map entries misnamed, camelCase field names, relative type names, no proto3 `optional`, every file of
// a package merged into one), and generic clients built on a real DescriptorPool reject it.
import protobuf from 'protobufjs';
import { DESCRIPTOR_SET_BASE64 } from './generated/descriptor-set.js';

let files: Buffer[] | undefined;

/**
 * The files of that FileDescriptorSet (protos/arbor/v1/*.proto and grpc/health/v1/health.proto), each a
 * serialized google.protobuf.FileDescriptorProto byte for byte as protoc wrote it, dependencies first.
 */
export function fileDescriptorProtos(): Buffer[] {
  files ??= splitDescriptorSet(Buffer.from(DESCRIPTOR_SET_BASE64, 'base64'));
  return files;
}

/** The `file` entries (field 1) of a serialized FileDescriptorSet, without decoding them. */
function splitDescriptorSet(set: Buffer): Buffer[] {
  const reader = protobuf.Reader.create(set);
  const out: Buffer[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === ((1 << 3) | 2)) out.push(Buffer.from(reader.bytes()));
    else reader.skipType(tag & 7);
  }
  return out;
}
