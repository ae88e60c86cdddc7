// What /readyz answers from, against real gRPC health servers on port 0: ready while the orchestrator's
// arbor.v1.SearchService is SERVING; not while it is NOT_SERVING (draining), not an orchestrator, or gone. (Over
// HTTP, in front of a real orchestrator: apps/arbor/test/gateway.test.ts.)
import { createServer, type AddressInfo } from 'node:net';
import { arborV1 } from '@arbor/contracts';
import { createLogger, startGrpcServer, type HealthStatus, type RunningGrpcServer } from '@arbor/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { orchestratorReadiness, SEARCH_SERVICE_HEALTH_NAME } from './readiness.js';

const logger = createLogger('test', { level: 'silent' });
const started: RunningGrpcServer[] = [];

afterEach(async () => {
  for (const server of started.splice(0)) await server.shutdown(0);
});

/** A gRPC server with grpc.health.v1 and, unless `orchestrator` is false, arbor.v1.SearchService (unimplemented). */
async function healthServer(orchestrator = true): Promise<RunningGrpcServer> {
  const services = orchestrator ? [{ name: SEARCH_SERVICE_HEALTH_NAME, definition: arborV1().SearchService.service, implementation: {} }] : [];
  const server = await startGrpcServer({ address: '127.0.0.1:0', services, logger });
  started.push(server);
  return server;
}

/** An address nothing listens on. */
async function deadAddress(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

describe('the orchestrator readiness check', () => {
  it('is ready while arbor.v1.SearchService is SERVING, and not once the server drains', async () => {
    const server = await healthServer();
    const ready = orchestratorReadiness(server.address, undefined, { cacheMs: 0 });
    expect(await ready()).toEqual({ ready: true, orchestrator: 'SERVING' });
    server.drain();
    expect(await ready()).toEqual({ ready: false, orchestrator: 'NOT_SERVING' });
  });

  it('is not ready at a server that is no orchestrator, nor where nothing answers', async () => {
    const other = await healthServer(false);
    expect(await orchestratorReadiness(other.address, undefined)()).toEqual({ ready: false, orchestrator: 'SERVICE_UNKNOWN' });
    const dead = await deadAddress();
    const askedAt = Date.now();
    expect(await orchestratorReadiness(dead, undefined, { timeoutMs: 500 })()).toEqual({ ready: false, orchestrator: 'UNREACHABLE' });
    expect(Date.now() - askedAt).toBeLessThan(2_000);
  });

  it('asks at most once per cache period, and concurrent checks share one call', async () => {
    let calls = 0;
    let status: HealthStatus = 'SERVING';
    const probe = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 20));
      return status;
    };
    const ready = orchestratorReadiness('unused:1', undefined, { cacheMs: 200, probe });
    const [a, b] = await Promise.all([ready(), ready()]);
    expect([a.ready, b.ready, calls]).toEqual([true, true, 1]);
    status = 'NOT_SERVING';
    expect((await ready()).ready).toBe(true);
    expect(calls).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect(await ready()).toEqual({ ready: false, orchestrator: 'NOT_SERVING' });
    expect(calls).toBe(2);
  });
});
