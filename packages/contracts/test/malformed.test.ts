// describeMalformed: the field a client got wrong, found in bytes the decoder refused.
import { describe, expect, it } from 'vitest';
import { arborV1, describeMalformed as describeFields } from '../src/index.js';

function describeMalformed(method: string, bytes: Uint8Array): string {
  const { field, problem } = describeFields(method, bytes);
  return `${field}: ${problem}`;
}

function varint(n: bigint): number[] {
  const out: number[] = [];
  while (n >= 128n) {
    out.push(Number(n & 127n) | 128);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}

function field(id: number, wire: number, body: number[]): number[] {
  return [...varint(BigInt((id << 3) | wire)), ...body];
}

function nested(id: number, inner: number[]): number[] {
  return field(id, 2, [...varint(BigInt(inner.length)), ...inner]);
}

const search = arborV1().SearchService.service.Search;
const valid = [...search.requestSerialize({ problem: { task: 'countdown', question: '4 6', params: { target: '24' } } })];

describe('describeMalformed', () => {
  it('names a uint32 field sent a value over 2^32 - 1, which the decoder refuses', () => {
    const bytes = Uint8Array.from([...valid, ...nested(10, field(5, 0, varint(10n ** 12n)))]);
    expect(() => search.requestDeserialize(Buffer.from(bytes))).toThrow();
    expect(describeMalformed('/arbor.v1.SearchService/Search', bytes)).toBe('budget.deadline_ms: 1000000000000 does not fit a uint32');
  });

  it('names a nested field whose length runs past the end', () => {
    const bytes = Uint8Array.from([...valid, ...field(2, 2, [...varint(50n), 1, 2, 3])]);
    expect(describeMalformed('/arbor.v1.SearchService/Search', bytes)).toBe('problem: length runs past the end of the message');
  });

  it('names a string that is not UTF-8 without quoting it', () => {
    const problem = nested(3, [0xff, 0xfe, 0x41]);
    const bytes = Uint8Array.from(nested(2, problem));
    const message = describeMalformed('/arbor.v1.SearchService/Search', bytes);
    expect(message).toBe('problem.question: not valid UTF-8');
  });

  it('names a field sent with the wrong wire type', () => {
    const bytes = Uint8Array.from(field(3, 0, [1])); // num_candidates is a uint32: fine as a varint
    expect(describeMalformed('arbor.v1.ProposeRequest', bytes)).toBe('request: not a valid arbor.v1.ProposeRequest');
    const wrong = Uint8Array.from(field(2, 0, [1])); // prefix is a message
    expect(describeMalformed('arbor.v1.ProposeRequest', wrong)).toMatch(/^prefix: sent as wire type 0/);
  });

  it('says the message is malformed when the bytes are not protobuf at all', () => {
    expect(describeMalformed('/arbor.v1.SearchService/Search', Uint8Array.from([0xff, 0xff, 0xff]))).toMatch(/^message: /);
    expect(describeMalformed('/arbor.v1.NoSuchService/Search', Uint8Array.from([1]))).toBe('request: not a valid protobuf message');
  });
});
