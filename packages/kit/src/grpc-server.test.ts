// Real gRPC on port 0: health, reflection, the error table on the wire, size limits and graceful shutdown.
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterEach, describe, expect, it } from 'vitest';
import {
  arborV1,
  fileDescriptorProtos,
  type ProposeRequest__Output,
  type ProposeResponse,
  type ProposeResponse__Output,
} from '@arbor/contracts';
import { InvalidArgumentError, UnauthenticatedError } from './errors.js';
import { LIVENESS_SERVICE, startGrpcServer, type RunningGrpcServer } from './grpc-server.js';
import { checkHealth, listServices } from './grpc-probes.js';
import { serverStreamHandler, unaryHandler, type CallContext } from './handlers.js';
import { createLogger } from './logger.js';
import { signalDeadline } from './signal-deadline.js';

const logger = createLogger('test', { level: 'silent' });

type Behaviour = (request: ProposeRequest__Output, context?: CallContext) => Promise<ProposeResponse>;

async function startFake(behaviour: Behaviour): Promise<RunningGrpcServer> {
  return startGrpcServer({
    address: '127.0.0.1:0',
    logger,
    services: [
      {
        name: 'arbor.v1.PolicyService',
        definition: arborV1().PolicyService.service,
        implementation: { Propose: unaryHandler<ProposeRequest__Output, ProposeResponse>(logger, 'Propose', behaviour) },
      },
    ],
  });
}

function propose(address: string, request: object): Promise<ProposeResponse__Output> {
  const client = new (arborV1().PolicyService)(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.Propose(request, { deadline: Date.now() + 5_000 }, (err, response) => {
      client.close();
      if (err) reject(err);
      else resolve(response!);
    });
  });
}

interface ReflectionReply {
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number; error_message: string };
}

/** One request on a grpc.reflection `version` stream, and its reply. */
function reflect(address: string, version: 'v1' | 'v1alpha', request: object): Promise<ReflectionReply> {
  const file = createRequire(import.meta.url).resolve(`@grpc/reflection/build/proto/grpc/reflection/${version}/reflection.proto`);
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(file, { keepCase: true })) as unknown as {
    grpc: { reflection: Record<string, { ServerReflection: new (address: string, creds: grpc.ChannelCredentials) => grpc.Client }> };
  };
  const client = new loaded.grpc.reflection[version]!.ServerReflection(address, grpc.credentials.createInsecure()) as grpc.Client & {
    ServerReflectionInfo(options: grpc.CallOptions): grpc.ClientDuplexStream<object, ReflectionReply>;
  };
  return new Promise((resolve, reject) => {
    const stream = client.ServerReflectionInfo({ deadline: Date.now() + 5_000 });
    stream.on('data', (reply: ReflectionReply) => {
      resolve(reply);
      stream.end();
    });
    stream.on('error', reject);
    stream.on('end', () => client.close());
    stream.write(request);
  });
}

let server: RunningGrpcServer | undefined;
afterEach(async () => {
  server?.server.forceShutdown();
  server = undefined;
});

describe('startGrpcServer', () => {
  it('reports SERVING for the server and each service once bound, and the truth after setServing', async () => {
    server = await startFake(async () => ({ candidates: [] }));
    expect(server.port).toBeGreaterThan(0);
    expect(await checkHealth(server.address, '')).toBe('SERVING');
    expect(await checkHealth(server.address, 'arbor.v1.PolicyService')).toBe('SERVING');
    server.setServing(false);
    expect(await checkHealth(server.address, 'arbor.v1.PolicyService')).toBe('NOT_SERVING');
    await expect(checkHealth(server.address, 'no.such.Service')).rejects.toMatchObject({ code: grpc.status.NOT_FOUND });
  });

  it('keeps liveness SERVING while not ready and while draining, and answers health until it shuts down', async () => {
    server = await startFake(async () => ({ candidates: [] }));
    expect(await checkHealth(server.address, LIVENESS_SERVICE)).toBe('SERVING');
    server.setServing(false);
    expect(await checkHealth(server.address, LIVENESS_SERVICE)).toBe('SERVING');
    server.setServing(true);
    server.drain();
    expect(await checkHealth(server.address, '')).toBe('NOT_SERVING');
    // Draining is final: nothing may mark the server ready again.
    server.setServing(true);
    expect(await checkHealth(server.address, '')).toBe('NOT_SERVING');
    expect(await checkHealth(server.address, LIVENESS_SERVICE)).toBe('SERVING');
    const ok = await propose(server.address, { numCandidates: 1 });
    expect(ok.candidates).toEqual([]);
  });

  it("records the call's deadline on the handler's signal", async () => {
    let deadline: number | undefined;
    server = await startFake(async (_request, context) => {
      deadline = context && signalDeadline(context.signal);
      return { candidates: [] };
    });
    const sentAt = Date.now();
    await propose(server.address, { numCandidates: 1 });
    // The client sends a 5 s timeout; the server turns it back into a time.
    expect(deadline).toBeGreaterThan(sentAt + 4_000);
    expect(deadline).toBeLessThanOrEqual(Date.now() + 5_000);
  });

  it('lists its services through reflection', async () => {
    server = await startFake(async () => ({ candidates: [] }));
    const names = await listServices(server.address);
    expect(names).toContain('arbor.v1.PolicyService');
    expect(names).toContain('grpc.health.v1.Health');
  });

  it("serves protoc's descriptors, byte for byte and under their real names, over reflection v1 and v1alpha", async () => {
    server = await startFake(async () => ({ candidates: [] }));
    // protoc writes a file's name first (field 1), so its bytes start 0x0a, length, name.
    const protoc = new Map(fileDescriptorProtos().map((bytes) => [bytes.subarray(2, 2 + bytes[1]!).toString(), bytes]));
    const [common, policy, health] = ['arbor/v1/common.proto', 'arbor/v1/policy.proto', 'grpc/health/v1/health.proto'].map((name) => protoc.get(name));
    expect(common && policy && health).toBeDefined();
    for (const version of ['v1', 'v1alpha'] as const) {
      const files = async (request: object) => (await reflect(server!.address, version, request)).file_descriptor_response?.file_descriptor_proto;
      // The file, then what it depends on.
      expect(await files({ file_by_filename: 'arbor/v1/policy.proto' })).toEqual([policy, common]);
      expect(await files({ file_containing_symbol: 'arbor.v1.PolicyService' })).toEqual([policy, common]);
      expect(await files({ file_containing_symbol: 'arbor.v1.Problem.ParamsEntry' })).toEqual([common]);
      expect(await files({ file_containing_symbol: 'grpc.health.v1.Health' })).toEqual([health]);
      expect(await files({ file_by_filename: 'grpc/health/v1/health.proto' })).toEqual([health]);
      expect((await reflect(server.address, version, { file_by_filename: 'arbor_v1.proto' })).error_response).toMatchObject({ error_code: grpc.status.NOT_FOUND });
    }
  });

  it('answers INVALID_ARGUMENT naming the field, INTERNAL without leaking, and keeps serving', async () => {
    server = await startFake(async (request) => {
      if (request.numCandidates === 0) throw new InvalidArgumentError('num_candidates', 'must be at least 1');
      if (request.numCandidates === 13) throw new Error('disk at /var/secret is full');
      return { candidates: [{ step: { text: 'ok', logprob: -1, tokens: 1 } }] };
    });
    await expect(propose(server.address, { numCandidates: 0 })).rejects.toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'num_candidates: must be at least 1',
    });
    await expect(propose(server.address, { numCandidates: 13 })).rejects.toMatchObject({
      code: grpc.status.INTERNAL,
      details: 'internal error',
    });
    const ok = await propose(server.address, { numCandidates: 1 });
    expect(ok.candidates[0]?.step?.text).toBe('ok');
  });

  it('ends a server stream with the error status at once, before or after its first message', async () => {
    server = await startGrpcServer({
      address: '127.0.0.1:0',
      logger,
      services: [
        {
          name: 'arbor.v1.SearchService',
          definition: arborV1().SearchService.service,
          implementation: {
            StreamSearch: serverStreamHandler<{ searchId: string }, object>(logger, 'StreamSearch', async (request, send) => {
              if (request.searchId === 'late') send({ progress: { searchId: 'late' } });
              throw new UnauthenticatedError('credentials required');
            }),
          },
        },
      ],
    });
    const client = new (arborV1().SearchService)(server.address, grpc.credentials.createInsecure());
    try {
      for (const searchId of ['early', 'late']) {
        const started = Date.now();
        const outcome = await new Promise<{ messages: number; code: number; details: string }>((resolve) => {
          let messages = 0;
          const stream = client.StreamSearch({ searchId }, { deadline: Date.now() + 20_000 });
          stream.on('data', () => messages++);
          stream.on('error', (err: grpc.ServiceError) => resolve({ messages, code: err.code, details: err.details }));
        });
        expect(outcome).toEqual({ messages: searchId === 'late' ? 1 : 0, code: grpc.status.UNAUTHENTICATED, details: 'credentials required' });
        // Well before the deadline: the status came with the failure, not with the deadline.
        expect(Date.now() - started).toBeLessThan(10_000);
      }
    } finally {
      client.close();
    }
  });

  it('answers request bytes that do not decode INVALID_ARGUMENT naming the field, not INTERNAL', async () => {
    server = await startFake(async () => ({ candidates: [] }));
    const raw = (bytes: number[]) =>
      new Promise<grpc.ServiceError | null>((resolve) => {
        const client = new grpc.Client(server!.address, grpc.credentials.createInsecure());
        client.makeUnaryRequest('/arbor.v1.PolicyService/Propose', (b: Buffer) => b, (b: Buffer) => b, Buffer.from(bytes), (err) => {
          client.close();
          resolve(err);
        });
      });
    // num_candidates (field 3) sent 2^35, which no uint32 holds.
    expect(await raw([3 << 3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      details: 'num_candidates: 34359738368 does not fit a uint32',
    });
    expect(await raw([0xff, 0xff, 0xff])).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, details: expect.stringMatching(/^message: /) });
    const ok = await propose(server.address, { numCandidates: 1 });
    expect(ok.candidates).toEqual([]);
  });

  it('refuses an oversize message with RESOURCE_EXHAUSTED and serves the next call', async () => {
    server = await startFake(async () => ({ candidates: [] }));
    const huge = 'x'.repeat(5 * 1024 * 1024);
    await expect(propose(server.address, { numCandidates: 1, problem: { question: huge } })).rejects.toMatchObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
    });
    const ok = await propose(server.address, { numCandidates: 1 });
    expect(ok.candidates).toEqual([]);
  });

  it('lets a call in flight finish during a graceful shutdown', async () => {
    let release: () => void = () => {};
    const started = new Promise<void>((resolveStarted) => {
      void startFake(async () => {
        resolveStarted();
        await new Promise<void>((r) => (release = r));
        return { candidates: [{ step: { text: 'finished', logprob: 0, tokens: 1 } }] };
      }).then((s) => (server = s));
    });
    while (!server) await new Promise((r) => setTimeout(r, 5));
    const call = propose(server.address, { numCandidates: 1 });
    await started;
    const stopping = server.shutdown(5_000);
    release();
    await expect(call).resolves.toMatchObject({ candidates: [{ step: { text: 'finished' } }] });
    await stopping;
  });

  it('forces the shutdown when calls outlive the grace period', async () => {
    server = await startFake(() => new Promise<ProposeResponse>(() => {}));
    const call = propose(server.address, { numCandidates: 1 });
    await new Promise((r) => setTimeout(r, 50));
    const before = performance.now();
    await server.shutdown(100);
    expect(performance.now() - before).toBeLessThan(2_000);
    await expect(call).rejects.toMatchObject({ code: expect.any(Number) });
  });
});
