// Client side of the standard probes: grpc.health.v1 Check and server reflection's service list.
// Used by tests, by `arbor up` style tooling, and by anyone checking a running service by hand.
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';
import type { ClientTls } from './tls.js';

const HealthClient = grpc.makeClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'grpc.health.v1.Health');

export type HealthStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

/** Asks a server for the health of `service` ("" for the whole server); plaintext unless `tls` says otherwise. */
export async function checkHealth(address: string, service = '', timeoutMs = 2_000, tls?: ClientTls): Promise<HealthStatus> {
  await tls?.ready;
  const client = new HealthClient(address, tls?.credentials ?? grpc.credentials.createInsecure(), tls?.options);
  return new Promise<HealthStatus>((resolve, reject) => {
    client.makeUnaryRequest(
      '/grpc.health.v1.Health/Check',
      (value: { service: string }) => healthService.Check!.requestSerialize(value),
      (buffer: Buffer) => healthService.Check!.responseDeserialize(buffer) as { status: HealthStatus },
      { service },
      { deadline: Date.now() + timeoutMs },
      (err, response) => {
        client.close();
        if (err) reject(err);
        else resolve(response!.status);
      },
    );
  });
}

let reflectionDefinition: grpc.GrpcObject | undefined;

function reflectionProto(): grpc.GrpcObject {
  if (!reflectionDefinition) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    reflectionDefinition = grpc.loadPackageDefinition(protoLoader.loadSync(file, { keepCase: true }));
  }
  return reflectionDefinition;
}

interface ReflectionResponse {
  list_services_response?: { service: { name: string }[] };
}

/** The service names a server advertises through reflection (grpc.reflection.v1). */
export function listServices(address: string, timeoutMs = 2_000): Promise<string[]> {
  const pkg = reflectionProto() as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: grpc.ChannelCredentials) => grpc.Client } } };
  };
  const client = new pkg.grpc.reflection.v1.ServerReflection(address, grpc.credentials.createInsecure()) as grpc.Client & {
    ServerReflectionInfo(options: grpc.CallOptions): grpc.ClientDuplexStream<object, ReflectionResponse>;
  };
  return new Promise<string[]>((resolve, reject) => {
    const stream = client.ServerReflectionInfo({ deadline: Date.now() + timeoutMs });
    stream.on('data', (message: ReflectionResponse) => {
      resolve((message.list_services_response?.service ?? []).map((s) => s.name).sort());
      stream.end();
    });
    stream.on('error', (err) => reject(err));
    stream.on('end', () => client.close());
    stream.write({ list_services: '' });
  });
}
