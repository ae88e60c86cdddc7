// Says what is wrong with request bytes the protobuf decoder refused, naming the field where it can
// ("budget.deadline_ms: 1000000000000 does not fit a uint32"), so that a client with a bug gets a message it can
// act on instead of a bare "could not deserialize". The decoder itself only says that it failed; this walks the
// wire format against the message's schema until it finds the first field that does not fit.
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { PROTO_FILES, PROTO_ROOT } from './load.js';

let root: protobuf.Root | undefined;

function arborRoot(): protobuf.Root {
  if (!root) {
    const loaded = new protobuf.Root();
    loaded.resolvePath = (_origin, target) => join(PROTO_ROOT, target);
    loaded.loadSync([...PROTO_FILES], { keepCase: true });
    loaded.resolveAll();
    root = loaded;
  }
  return root;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const UINT32_MAX = 0xffff_ffffn;
const INT32_MAX = 0x7fff_ffffn;
/** A negative int32 is sent sign-extended to 64 bits, so it reads as at least 2^64 - 2^31. */
const INT32_NEGATIVE_MIN = (1n << 64n) - (1n << 31n);

const FIXED64_TYPES = new Set(['double', 'fixed64', 'sfixed64']);
const FIXED32_TYPES = new Set(['float', 'fixed32', 'sfixed32']);
const VARINT_TYPES = new Set(['int32', 'uint32', 'sint32', 'int64', 'uint64', 'sint64', 'bool']);

class Cursor {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  /** A varint as an unsigned 64-bit value; undefined when it runs past the end or over 10 bytes. */
  varint(): bigint | undefined {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.end) return undefined;
      const byte = this.bytes[this.pos++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return value & ((1n << 64n) - 1n);
    }
    return undefined;
  }

  skip(count: number): boolean {
    if (this.pos + count > this.end) return false;
    this.pos += count;
    return true;
  }
}

function describeScalar(field: protobuf.Field, value: bigint, path: string): Malformed | undefined {
  const type = field.resolvedType instanceof protobuf.Enum ? 'enum' : field.type;
  if (type === 'uint32' && value > UINT32_MAX) return { field: path, problem: `${value} does not fit a uint32` };
  if ((type === 'int32' || type === 'enum') && value > INT32_MAX && value < INT32_NEGATIVE_MIN) {
    return { field: path, problem: `${value} does not fit ${type === 'enum' ? 'an enum' : 'an int32'}` };
  }
  if (type === 'sint32' && value > UINT32_MAX) return { field: path, problem: `${value} does not fit a sint32` };
  return undefined;
}

/** The wire type a field is sent with (packed repeated scalars aside). */
function wireTypeOf(field: protobuf.Field): number {
  if (field.resolvedType instanceof protobuf.Type || field.type === 'string' || field.type === 'bytes' || field.map) return LENGTH_DELIMITED;
  if (FIXED64_TYPES.has(field.type)) return FIXED64;
  if (FIXED32_TYPES.has(field.type)) return FIXED32;
  return VARINT;
}

function skipUnknown(cursor: Cursor, wire: number): boolean {
  if (wire === VARINT) return cursor.varint() !== undefined;
  if (wire === FIXED64) return cursor.skip(8);
  if (wire === FIXED32) return cursor.skip(4);
  if (wire === LENGTH_DELIMITED) {
    const length = cursor.varint();
    return length !== undefined && cursor.skip(Number(length));
  }
  return false;
}

/** The first problem in a message's bytes, or undefined when every field fits its schema. */
function walk(type: protobuf.Type, cursor: Cursor, path: string): Malformed | undefined {
  const where = (name: string) => (path ? `${path}.${name}` : name);
  while (cursor.pos < cursor.end) {
    const tag = cursor.varint();
    if (tag === undefined) return { field: path || 'message', problem: 'truncated or malformed field tag' };
    const id = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    const field = type.fieldsById[id];
    if (!field) {
      if (id === 0 || !skipUnknown(cursor, wire)) return { field: path || 'message', problem: `malformed field ${id}` };
      continue;
    }
    const name = where(field.name);
    const packed = field.repeated && wire === LENGTH_DELIMITED && wireTypeOf(field) !== LENGTH_DELIMITED;
    if (!packed && wire !== wireTypeOf(field)) return { field: name, problem: `sent as wire type ${wire}, which a ${field.type} cannot be` };
    if (wire === LENGTH_DELIMITED) {
      const length = cursor.varint();
      if (length === undefined || cursor.pos + Number(length) > cursor.end) return { field: name, problem: 'length runs past the end of the message' };
      const end = cursor.pos + Number(length);
      const inner = new Cursor(cursor.bytes, cursor.pos, end);
      cursor.pos = end;
      if (field.map) {
        // Map entries are not checked: a bad one is rare, and the decoder's refusal still stands.
      } else if (field.resolvedType instanceof protobuf.Type) {
        const problem = walk(field.resolvedType, inner, name);
        if (problem) return problem;
      } else if (field.type === 'string') {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(cursor.bytes.subarray(inner.pos, end));
        } catch {
          return { field: name, problem: 'not valid UTF-8' };
        }
      } else if (packed) {
        while (inner.pos < inner.end) {
          if (VARINT_TYPES.has(field.type) || field.resolvedType instanceof protobuf.Enum) {
            const value = inner.varint();
            if (value === undefined) return { field: name, problem: 'malformed packed values' };
            const problem = describeScalar(field, value, name);
            if (problem) return problem;
          } else if (!inner.skip(FIXED64_TYPES.has(field.type) ? 8 : 4)) return { field: name, problem: 'malformed packed values' };
        }
      }
      continue;
    }
    if (wire === VARINT) {
      const value = cursor.varint();
      if (value === undefined) return { field: name, problem: 'malformed varint' };
      const problem = describeScalar(field, value, name);
      if (problem) return problem;
      continue;
    }
    if (!cursor.skip(wire === FIXED64 ? 8 : 4)) return { field: name, problem: 'truncated' };
  }
  return undefined;
}

/** Where request bytes go wrong: a proto field path (snake_case) or "request", and what is wrong there. */
export interface Malformed {
  field: string;
  problem: string;
}

/**
 * What is wrong with `bytes` as the request of a gRPC method (path "/arbor.v1.SearchService/Search") or as a
 * message type ("arbor.v1.ProposeRequest"). Never quotes a string field's content.
 */
export function describeMalformed(methodPathOrType: string, bytes: Uint8Array): Malformed {
  const unknown: Malformed = { field: 'request', problem: 'not a valid protobuf message' };
  const reflection = arborRoot();
  let type: protobuf.Type;
  try {
    if (methodPathOrType.startsWith('/')) {
      const [service = '', method = ''] = methodPathOrType.slice(1).split('/');
      const found = reflection.lookupService(service).methods[method]?.resolvedRequestType;
      if (!found) return unknown;
      type = found;
    } else {
      type = reflection.lookupType(methodPathOrType);
    }
  } catch {
    return unknown;
  }
  return walk(type, new Cursor(bytes, 0, bytes.length), '') ?? { field: 'request', problem: `not a valid ${type.fullName.replace(/^\./, '')}` };
}
