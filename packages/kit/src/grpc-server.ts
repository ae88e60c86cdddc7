// gRPC server bootstrap shared by every service: bind, standard health service, reflection, size limits,
// and a shutdown that drains before it forces.
import * as grpc from '@grpc/grpc-js';
import { UnavailableError } from './errors.js';
import type * as protoLoader from '@grpc/proto-loader';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import { ReflectionService } from '@grpc/reflection';
import { fileDescriptorProtos } from '@arbor/contracts';
import type { Logger } from './logger.js';
import { tolerantDefinition } from './malformed-request.js';
import { serverTls, type ServerTls } from './tls.js';

/** The gRPC receive limit. Larger requests get RESOURCE_EXHAUSTED from grpc-js itself. */
export const MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;

const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * The health-check name for liveness: SERVING while the process answers at all, draining included. The other
 * names ("" and each service's) are readiness: NOT_SERVING while the server cannot do its work or is draining.
 * Kubernetes' gRPC probes name it (`grpc: { port, service: liveness }`), so a process that is alive but not
 * ready (NATS down, a model service missing) leaves the Service without being restarted.
 */
export const LIVENESS_SERVICE = 'liveness';

let reflectionDefinition: protoLoader.PackageDefinition | undefined;

/**
 * What @grpc/reflection indexes: the `fileDescriptorProtos` of a package definition's entries. proto-loader's own
 * are protobufjs' reconstruction of the schema (misnamed map entries, camelCase fields, relative type names, no
 * proto3 `optional`, one made-up file per package), which DescriptorPool-based clients reject; this gives it the
 * files protoc built (arbor/v1/*.proto and grpc/health/v1/health.proto), served under their real names. They
 * survive its decode and re-encode byte for byte (grpc-server.test.ts checks).
 */
function reflectionPackageDefinition(): protoLoader.PackageDefinition {
  reflectionDefinition ??= {
    'arbor.descriptors': {
      format: 'Protocol Buffer 3 DescriptorProto',
      type: {},
      fileDescriptorProtos: fileDescriptorProtos(),
    } as unknown as protoLoader.MessageTypeDefinition<object, object>,
  };
  return reflectionDefinition;
}

export interface ServiceRegistration {
  /** Fully qualified name, e.g. "arbor.v1.PolicyService"; also its health-check name. */
  name: string;
  definition: grpc.ServiceDefinition;
  implementation: grpc.UntypedServiceImplementation;
}

export interface GrpcServerOptions {
  /** HOST:PORT; port 0 picks a free port. */
  address: string;
  /** Default plaintext. */
  tls?: ServerTls;
  /**
   * HOST:PORT of a second, plaintext listener that serves health only: the kubelet's gRPC probes cannot speak
   * TLS, so a server on TLS gives them this one.
   */
  healthAddress?: string;
  services: ServiceRegistration[];
  logger: Logger;
  maxReceiveMessageBytes?: number;
}

export interface RunningGrpcServer {
  server: grpc.Server;
  /** The bound port (useful with port 0). */
  port: number;
  /** HOST:PORT as bound. */
  address: string;
  /** The health-only listener's HOST:PORT as bound, when there is one. */
  healthAddress?: string;
  /** Health of every registered service and of the server as a whole (""); always NOT_SERVING once draining. */
  setServing(serving: boolean): void;
  /**
   * NOT_SERVING from now on, while the server keeps answering: load balancers and clients see the drain before
   * the listener closes, and calls in progress (and their results) are not cut off.
   */
  drain(): void;
  /** NOT_SERVING, then a graceful shutdown that waits at most `graceMs` before forcing. */
  shutdown(graceMs?: number): Promise<void>;
}

function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}

/** Why an address could not be bound, in words a user acts on (grpc-js reports "No address added ..."). */
const BIND_FAILURES: Array<[RegExp, string]> = [
  [/EADDRINUSE/, 'the address is in use (another process listens there)'],
  [/EACCES/, 'permission denied (ports below 1024 need privileges)'],
  [/EADDRNOTAVAIL|ENOTFOUND|EAI_AGAIN/, 'no such local address'],
];

/**
 * A listener that could not bind `address` (gRPC here, or any other server of the process, e.g. the gateway's
 * HTTP), as the one line `arbor serve` prints: "cannot listen on HOST:PORT: the address is in use ...".
 */
export function cannotListen(address: string, err: Error): UnavailableError {
  const reason = BIND_FAILURES.find(([pattern]) => pattern.test(err.message) || pattern.test(String((err as NodeJS.ErrnoException).code ?? '')))?.[1];
  return new UnavailableError(`cannot listen on ${address}: ${reason ?? err.message}`, { cause: err });
}

function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (err, boundPort) => {
      if (!err) return resolve(boundPort);
      reject(cannotListen(address, err));
    });
  });
}

export async function startGrpcServer(options: GrpcServerOptions): Promise<RunningGrpcServer> {
  const { logger } = options;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? MAX_RECEIVE_MESSAGE_BYTES,
  });
  for (const service of options.services) server.addService(tolerantDefinition(service.definition), service.implementation);

  // Everything starts NOT_SERVING and flips only once the port is bound: a probe never sees a false SERVING.
  const names = ['', ...options.services.map((s) => s.name)];
  const health = new HealthImplementation({
    ...Object.fromEntries(names.map((n) => [n, 'NOT_SERVING' as ServingStatus])),
    [LIVENESS_SERVICE]: 'NOT_SERVING',
  });
  health.addToServer(server);
  // Reflection advertises exactly what this server serves, not every service in the proto tree.
  new ReflectionService(reflectionPackageDefinition(), { services: [...options.services.map((s) => s.name), HEALTH_SERVICE] }).addToServer(
    server,
  );

  const tls = options.tls ?? serverTls(undefined);
  await tls.ready;
  const port = await bind(server, options.address, tls.credentials);
  const address = `${hostOf(options.address)}:${port}`;
  // The same health statuses, on a plaintext port of their own (see healthAddress).
  let healthServer: grpc.Server | undefined;
  let healthAddress: string | undefined;
  if (options.healthAddress) {
    healthServer = new grpc.Server();
    health.addToServer(healthServer);
    try {
      healthAddress = `${hostOf(options.healthAddress)}:${await bind(healthServer, options.healthAddress, grpc.ServerCredentials.createInsecure())}`;
    } catch (err) {
      server.forceShutdown();
      throw err;
    }
  }

  let draining = false;
  const setServing = (serving: boolean) => {
    // Once draining, nothing (e.g. a NATS reconnect) may advertise the server as SERVING again.
    const status: ServingStatus = serving && !draining ? 'SERVING' : 'NOT_SERVING';
    for (const name of names) health.setStatus(name, status);
  };
  setServing(true);
  health.setStatus(LIVENESS_SERVICE, 'SERVING');
  logger.info({ address, tls: tls.mode, ...(healthAddress && { healthAddress }), services: options.services.map((s) => s.name) }, 'gRPC server listening');

  const drain = () => {
    if (draining) return;
    draining = true;
    setServing(false);
    logger.info({ address }, 'draining: health NOT_SERVING');
  };

  let stopping: Promise<void> | undefined;
  const shutdown = (graceMs = 10_000) => {
    stopping ??= new Promise<void>((resolve) => {
      drain();
      const timer = setTimeout(() => {
        logger.warn({ graceMs }, 'graceful shutdown timed out; forcing');
        server.forceShutdown();
        resolve();
      }, graceMs);
      timer.unref();
      server.tryShutdown(() => {
        clearTimeout(timer);
        // Health answers until the main listener has closed.
        healthServer?.forceShutdown();
        resolve();
      });
    }).finally(() => healthServer?.forceShutdown());
    return stopping;
  };

  return { server, port, address, ...(healthAddress && { healthAddress }), setServing, drain, shutdown };
}
