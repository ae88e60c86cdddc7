// TLS and mutual TLS with certificates made here by openssl: the orchestrator's API as the CLI reaches it, the
// model services as the orchestrator reaches them, a plaintext health port for the kubelet, certificates rotated
// in place without a restart, and settings that do not fit stopping the process with a message that names them.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arborV1, type ProposeRequest__Output, type ProposeResponse } from '@arbor/contracts';
import { checkHealth, clientTls, LIVENESS_SERVICE, serverTls, sleep, startGrpcServer, unaryHandler } from '@arbor/kit';
import { silent } from '@arbor/testing';
import { makeTestCa, type TestCa } from '@arbor/testing/certificates';
import { startServices } from '../src/compose/services.js';
import { startArbor } from '../src/serve-process.js';

const BIN = fileURLToPath(new URL('../bin/arbor.js', import.meta.url));
let ca: TestCa;

beforeAll(() => {
  ca = makeTestCa();
});

/** `arbor solve --server`, as a process of its own, without blocking this one (which may hold the server). */
function solve(address: string, ...flags: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'solve', '--numbers', '4 9 10 13', '--server', address, '--json', ...flags], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The serial number of the certificate a TLS server presents now. */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca: readFileSync(ca.caCert), servername: 'localhost', ALPNProtocols: ['h2'] }, () => {
      resolve(socket.getPeerCertificate().serialNumber);
      socket.end();
    });
    socket.on('error', reject);
  });
}

describe('the orchestrator API over TLS', { timeout: 120_000 }, () => {
  let tlsServer: Awaited<ReturnType<typeof startArbor>>;
  let mtlsServer: Awaited<ReturnType<typeof startArbor>>;
  beforeAll(async () => {
    const server = ca.server();
    tlsServer = await startArbor('serve all (tls)', ['all'], {
      ...process.env,
      ARBOR_TLS_CERT_FILE: server.cert,
      ARBOR_TLS_KEY_FILE: server.key,
      ARBOR_ORCHESTRATOR_HEALTH_LISTEN: '127.0.0.1:0',
    });
    mtlsServer = await startArbor('serve all (mtls)', ['all'], {
      ...process.env,
      ARBOR_TLS_CERT_FILE: server.cert,
      ARBOR_TLS_KEY_FILE: server.key,
      ARBOR_TLS_CLIENT_CA_FILE: ca.caCert,
    });
  });
  afterAll(async () => {
    await tlsServer?.stop();
    await mtlsServer?.stop();
  });

  it('answers a client that trusts its CA, and refuses plaintext and clients that do not', async () => {
    const ok = await solve(tlsServer.address, '--ca', ca.caCert);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).solved).toBe(true);
    const plaintext = await solve(tlsServer.address);
    expect(plaintext.status).toBe(1);
    expect(plaintext.stderr).toMatch(/^arbor: server 127\.0\.0\.1:\d+: unavailable: /);
    // The system's roots do not vouch for a test CA.
    const untrusted = await solve(tlsServer.address, '--tls');
    expect(untrusted.status).toBe(1);
  });

  it('serves health in plaintext on its own port, for probes that cannot speak TLS', async () => {
    const health = /"healthAddress":"([^"]+)"/.exec(tlsServer.log())?.[1];
    expect(health).toBeDefined();
    expect(await checkHealth(health!)).toBe('SERVING');
    expect(await checkHealth(health!, LIVENESS_SERVICE)).toBe('SERVING');
    // And over TLS on the main port, for a client that trusts the CA.
    expect(await checkHealth(tlsServer.address, '', 5_000, clientTls({ caFile: ca.caCert }))).toBe('SERVING');
  });

  it('with a client CA, answers only clients with a certificate it signed', async () => {
    const client = ca.client('tenant-a');
    const ok = await solve(mtlsServer.address, '--ca', ca.caCert, '--cert', client.cert, '--key', client.key);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const anonymous = await solve(mtlsServer.address, '--ca', ca.caCert);
    expect(anonymous.status).toBe(1);
    const stranger = makeTestCa('Another CA').client('tenant-a');
    const foreign = await solve(mtlsServer.address, '--ca', ca.caCert, '--cert', stranger.cert, '--key', stranger.key);
    expect(foreign.status).toBe(1);
    expect((await solve(mtlsServer.address, '--ca', ca.caCert, '--cert', client.cert)).stderr).toMatch(/^arbor: --cert and --key go together/);
  });
});

describe('certificates rotated in place', { timeout: 60_000 }, () => {
  it('are served without a restart once the files change', async () => {
    const first = ca.server('rotating');
    const next = ca.server('rotated');
    const server = await startGrpcServer({
      address: '127.0.0.1:0',
      logger: silent,
      tls: serverTls({ certFile: first.cert, keyFile: first.key, reloadMs: 1_000 }),
      services: [
        {
          name: 'arbor.v1.PolicyService',
          definition: arborV1().PolicyService.service,
          implementation: { Propose: unaryHandler<ProposeRequest__Output, ProposeResponse>(silent, 'Propose', async () => ({ candidates: [] })) },
        },
      ],
    });
    try {
      const before = await servedSerial(server.port);
      copyFileSync(next.cert, first.cert);
      copyFileSync(next.key, first.key);
      let after = before;
      for (let i = 0; i < 50 && after === before; i++) {
        await sleep(200);
        after = await servedSerial(server.port);
      }
      expect(after).not.toBe(before);
      expect(await checkHealth(server.address, '', 5_000, clientTls({ caFile: ca.caCert }))).toBe('SERVING');
    } finally {
      server.server.forceShutdown();
    }
  });
});

describe('the model services over mutual TLS', { timeout: 60_000 }, () => {
  it('take calls from an orchestrator with a certificate, and only from it', async () => {
    const server = ca.server('models');
    const orchestratorIdentity = ca.client('orchestrator');
    const models = await startServices(
      ['policy', 'value', 'reward'],
      {
        ARBOR_POLICY_LISTEN: '127.0.0.1:0',
        ARBOR_VALUE_LISTEN: '127.0.0.1:0',
        ARBOR_REWARD_LISTEN: '127.0.0.1:0',
        ARBOR_TLS_CERT_FILE: server.cert,
        ARBOR_TLS_KEY_FILE: server.key,
        ARBOR_TLS_CLIENT_CA_FILE: ca.caCert,
        ARBOR_SHUTDOWN_GRACE_MS: '500',
      },
      'silent',
    );
    const [policy, value, reward] = models.services.map((s) => s.grpc.address);
    const orchestratorEnv = (identity: boolean) => ({
      ARBOR_ORCHESTRATOR_LISTEN: '127.0.0.1:0',
      ARBOR_POLICY_ADDRESS: policy,
      ARBOR_VALUE_ADDRESS: value,
      ARBOR_REWARD_ADDRESS: reward,
      ARBOR_GRPC_TLS: 'true',
      ARBOR_GRPC_CA_FILE: ca.caCert,
      ...(identity && { ARBOR_GRPC_CERT_FILE: orchestratorIdentity.cert, ARBOR_GRPC_KEY_FILE: orchestratorIdentity.key }),
      ARBOR_SHUTDOWN_GRACE_MS: '500',
    });
    const trusted = await startServices(['orchestrator'], { ...orchestratorEnv(true), ARBOR_POLICY_TRANSPORT: 'grpc', ARBOR_VALUE_TRANSPORT: 'grpc', ARBOR_REWARD_TRANSPORT: 'grpc' }, 'silent');
    const anonymous = await startServices(['orchestrator'], { ...orchestratorEnv(false), ARBOR_POLICY_TRANSPORT: 'grpc', ARBOR_VALUE_TRANSPORT: 'grpc', ARBOR_REWARD_TRANSPORT: 'grpc' }, 'silent');
    try {
      const address = trusted.services[0]!.grpc.address;
      // Ready only once its health checks of the model services, over mutual TLS, say SERVING.
      for (let i = 0; i < 100 && (await checkHealth(address)) !== 'SERVING'; i++) await sleep(100);
      expect(await checkHealth(address)).toBe('SERVING');
      const ok = await solve(address);
      expect(ok.stderr).toBe('');
      expect(JSON.parse(ok.stdout).solved).toBe(true);
      // Without a certificate it cannot reach them: never ready, and its searches fail as unavailable.
      const refused = anonymous.services[0]!.grpc.address;
      await sleep(2_500);
      expect(await checkHealth(refused)).toBe('NOT_SERVING');
      const failed = await solve(refused);
      expect(failed.status).toBe(1);
      expect(failed.stderr).toMatch(/unavailable/);
    } finally {
      await trusted.stop();
      await anonymous.stop();
      await models.stop();
    }
  });
});

describe('TLS settings that do not fit', () => {
  it('stop arbor serve at start with one line naming the setting', () => {
    const server = ca.server('lonely');
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [BIN, 'serve', 'all', '--listen', '127.0.0.1:0', '--gateway-listen', '127.0.0.1:0'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
    const noKey = run({ ARBOR_TLS_CERT_FILE: server.cert });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toMatch(/^arbor: .*ARBOR_TLS_KEY_FILE: required with ARBOR_TLS_CERT_FILE/);
    const missing = run({ ARBOR_TLS_CERT_FILE: server.cert, ARBOR_TLS_KEY_FILE: `${ca.dir}/no-such.key` });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/ARBOR_TLS_KEY_FILE: cannot read /);
  });
});
