// The descriptors server reflection serves: protoc's FileDescriptorSet of the protos, committed in
// src/generated/descriptor-set.ts. It must be what protoc makes of the protos today, and it must be the real
// schema (the one a DescriptorPool accepts), not protobufjs' reconstruction of it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import descriptor from 'protobufjs/ext/descriptor/index.js';
import { describe, expect, it } from 'vitest';
import { PROTO_FILES, arborPackageDefinition, fileDescriptorProtos } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Field {
  name: string;
  number: number;
  typeName?: string;
  jsonName?: string;
  proto3Optional?: boolean;
  oneofIndex?: number;
}
interface Message {
  name: string;
  field?: Field[];
  nestedType?: Message[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface File {
  name: string;
  package: string;
  syntax?: string;
  dependency?: string[];
  messageType?: Message[];
  service?: { name: string; method: { name: string; inputType: string; outputType: string }[] }[];
  sourceCodeInfo?: { location?: { leadingComments?: string }[] };
}

function decode(bytes: Buffer): File {
  return descriptor.FileDescriptorProto.toObject(descriptor.FileDescriptorProto.decode(bytes)) as File;
}

function files(): Map<string, File> {
  return new Map(fileDescriptorProtos().map((bytes) => [decode(bytes).name, decode(bytes)]));
}

function message(file: File | undefined, name: string): Message {
  const found = file?.messageType?.find((m) => m.name === name);
  if (!found) throw new Error(`no message ${name} in ${file?.name}`);
  return found;
}

function allFields(messages: Message[] = []): Field[] {
  return messages.flatMap((m) => [...(m.field ?? []), ...allFields(m.nestedType)]);
}

describe('descriptor set', () => {
  it('is what protoc makes of the protos now (run npm run generate after editing them)', () => {
    const probe = spawnSync('protoc', ['--version'], { encoding: 'utf8' });
    if (probe.error) {
      // CI installs protoc (.ci/run), so there the check always runs.
      expect(process.env.CI, 'protoc is missing; install protobuf-compiler').not.toBe('true');
      return;
    }
    const out = mkdtempSync(join(tmpdir(), 'arbor-descriptors-'));
    try {
      execFileSync(process.execPath, ['scripts/descriptor-set.mjs', '-O', out], { cwd: packageDir, stdio: 'pipe' });
      const committed = readFileSync(join(packageDir, 'src/generated/descriptor-set.ts'), 'utf8');
      expect(
        committed === readFileSync(join(out, 'descriptor-set.ts'), 'utf8'),
        `src/generated/descriptor-set.ts is stale: run npm run generate (here ${probe.stdout.trim()}; CI uses Debian 12's 3.21)`,
      ).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('holds every proto under its own name, dependencies first, with the health proto under its canonical name', () => {
    const names = fileDescriptorProtos().map((bytes) => decode(bytes).name);
    expect([...names].sort()).toEqual([...PROTO_FILES, 'grpc/health/v1/health.proto'].sort());
    expect(names[0]).toBe('arbor/v1/common.proto');
    const search = files().get('arbor/v1/search.proto');
    expect(search).toMatchObject({ package: 'arbor.v1', syntax: 'proto3', dependency: ['arbor/v1/common.proto'] });
    expect(files().get('grpc/health/v1/health.proto')?.service?.[0]?.method.map((m) => m.name)).toEqual(['Check', 'Watch', 'List']);
  });

  it('is the real schema: map entries named *Entry, snake_case fields, absolute type names, proto3 optional, comments', () => {
    const all = files();
    const problem = message(all.get('arbor/v1/common.proto'), 'Problem');
    expect(problem.field?.find((f) => f.name === 'params')).toMatchObject({ number: 4, typeName: '.arbor.v1.Problem.ParamsEntry' });
    expect(problem.nestedType).toEqual([
      expect.objectContaining({ name: 'ParamsEntry', options: { mapEntry: true }, field: [expect.objectContaining({ name: 'key' }), expect.objectContaining({ name: 'value' })] }),
    ]);

    const search = all.get('arbor/v1/search.proto');
    const request = message(search, 'SearchRequest');
    expect(request.field?.slice(0, 3)).toMatchObject([
      { name: 'search_id', jsonName: 'searchId', number: 1 },
      { name: 'problem', typeName: '.arbor.v1.Problem' },
      { name: 'best_of_n', jsonName: 'bestOfN', typeName: '.arbor.v1.BestOfN', oneofIndex: 0 },
    ]);
    // Oneof members share the message's field numbers: particle_filter came after budget (10) .. answers (13).
    expect(request.field?.find((f) => f.name === 'particle_filter')).toMatchObject({
      number: 14,
      jsonName: 'particleFilter',
      typeName: '.arbor.v1.ParticleFilter',
      oneofIndex: 0,
    });
    const mcts = message(search, 'Mcts');
    const stop = mcts.field?.find((f) => f.name === 'stop_on_solution');
    expect(stop).toMatchObject({ proto3Optional: true });
    expect(mcts.oneofDecl?.[stop!.oneofIndex!]?.name).toBe('_stop_on_solution');
    expect(mcts.field?.find((f) => f.name === 'simulations')?.proto3Optional).toBeFalsy();
    expect(search?.service?.[0]?.method.find((m) => m.name === 'Search')).toMatchObject({
      inputType: '.arbor.v1.SearchRequest',
      outputType: '.arbor.v1.SearchResult',
    });
    for (const file of all.values()) {
      for (const field of allFields(file.messageType)) if (field.typeName) expect(field.typeName, `${file.name}: ${field.name}`).toMatch(/^\.[a-z]/);
    }
    // Source info is kept, so describing clients (grpcurl describe) show the protos' comments.
    expect(all.get('arbor/v1/common.proto')?.sourceCodeInfo?.location?.some((l) => l.leadingComments?.includes('A problem instance.'))).toBe(true);
  });

  it('describes the same services and methods the servers load', () => {
    const loaded = Object.entries(arborPackageDefinition())
      .filter(([, value]) => !('format' in value))
      .map(([name, value]) => `${name}: ${Object.keys(value).sort().join(' ')}`)
      .sort();
    const described = [...files().values()]
      .filter((file) => file.package === 'arbor.v1')
      .flatMap((file) => file.service ?? [])
      .map((service) => `arbor.v1.${service.name}: ${service.method.map((m) => m.name).sort().join(' ')}`)
      .sort();
    expect(described).toEqual(loaded);
    expect(described).toHaveLength(5);
  });
});
