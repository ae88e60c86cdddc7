// docker-compose.yml must be a valid Compose file wiring every service's telemetry to the collector, the gateway
// to the orchestrator, and the collector's config must send traces on to Jaeger. Validated with
// `docker-compose config` (CI installs it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const hasCompose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

const NATS_PASSWORDS = {
  ARBOR_NATS_ORCHESTRATOR_PASSWORD: 'arborOrchestratorPassword1',
  ARBOR_NATS_POLICY_PASSWORD: 'arborPolicyPassword1',
  ARBOR_NATS_VALUE_PASSWORD: 'arborValuePassword1',
  ARBOR_NATS_REWARD_PASSWORD: 'arborRewardPassword1',
};

// A repository .env (if a developer made one) must not fill in what the test leaves out.
const scratch = mkdtempSync(join(tmpdir(), 'arbor-compose-'));
const noEnvFile = join(scratch, 'empty.env');
writeFileSync(noEnvFile, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function compose(args: string[], passwords: Record<string, string> = NATS_PASSWORDS) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ARBOR_NATS_')));
  return spawnSync('docker-compose', ['-f', 'docker-compose.yml', '--env-file', noEnvFile, ...args], { cwd: root, encoding: 'utf8', env: { ...env, ...passwords } });
}

describe('docker-compose.yml', () => {
  it('is valid for docker-compose config', () => {
    if (!hasCompose) {
      // CI installs docker-compose (.ci/run), so there a missing binary is a failure, not a skip.
      expect(process.env.CI === 'true' ? 'docker-compose is missing on CI (.ci/run installs it)' : 'ok').toBe('ok');
      console.warn('docker-compose not installed: skipped validating docker-compose.yml (apt-get install docker-compose)');
      return;
    }
    const result = compose(['config', '-q']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const services = compose(['config', '--services']).stdout.split('\n').filter(Boolean).sort();
    expect(services).toEqual(['gateway', 'jaeger', 'nats', 'orchestrator', 'otel-collector', 'policy', 'reward', 'value']);
  });

  it('connects each Arbor service to NATS as its own user, and refuses to run without the passwords', () => {
    if (!hasCompose) return;
    const resolved = parse(compose(['config']).stdout) as { services: Record<string, { environment?: Record<string, string>; command?: string[] }> };
    for (const service of ['orchestrator', 'policy', 'value', 'reward']) {
      const env = resolved.services[service]?.environment ?? {};
      expect(env.NATS_USER, service).toBe(service);
      expect(env.NATS_PASSWORD, service).toBe(NATS_PASSWORDS[`ARBOR_NATS_${service.toUpperCase()}_PASSWORD` as keyof typeof NATS_PASSWORDS]);
      // The rest of the shared environment is still there.
      expect(env.OTEL_EXPORTER_OTLP_ENDPOINT, service).toBe('http://otel-collector:4318');
    }
    // The gateway is no NATS client: it holds no NATS credential.
    const gatewayEnv = resolved.services.gateway?.environment ?? {};
    expect(Object.keys(gatewayEnv).filter((name) => name.startsWith('NATS_'))).toEqual([]);
    expect(gatewayEnv.OTEL_EXPORTER_OTLP_ENDPOINT).toBe('http://otel-collector:4318');
    expect(resolved.services.nats?.command).toEqual(['--config', '/etc/nats/nats.conf']);
    expect(resolved.services.nats?.environment).toEqual(NATS_PASSWORDS);

    const { ARBOR_NATS_REWARD_PASSWORD: _left, ...withoutReward } = NATS_PASSWORDS;
    const refused = compose(['config', '-q'], withoutReward);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('ARBOR_NATS_REWARD_PASSWORD');
    expect(refused.stderr).toContain('npx arbor nats passwords');
  });

  it('points every Arbor service at the collector, and reward at 2 replicas', () => {
    const text = readFileSync(`${root}/docker-compose.yml`, 'utf8');
    expect(text).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: http:\/\/otel-collector:4318/);
    for (const service of ['policy', 'value', 'reward', 'orchestrator', 'gateway']) {
      expect(text).toMatch(new RegExp(`\\n  ${service}:\\n    <<: \\*arbor\\n    command: \\["serve", "${service}"\\]`));
    }
    expect(text).toMatch(/\n  reward:\n(?: {4}.*\n)*? {4}deploy:\n {6}replicas: 2\n/);
  });

  it('gives every Arbor service longer to stop than its drain, and the image a drain that fits docker stop', () => {
    const file = parse(readFileSync(`${root}/docker-compose.yml`, 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[]; stop_grace_period?: string; environment?: Record<string, string> }>;
    };
    const arbor = Object.entries(file.services).filter(([, service]) => service.command?.[0] === 'serve');
    expect(arbor.map(([name]) => name).sort()).toEqual(['gateway', 'orchestrator', 'policy', 'reward', 'value']);
    for (const [name, service] of arbor) {
      const graceMs = Number(service.environment?.ARBOR_SHUTDOWN_GRACE_MS);
      const stopMs = Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1]) * 1000;
      expect(graceMs, name).toBeGreaterThan(0);
      // The drain keeps within the grace; then the NATS connection is flushed and the process exits.
      expect(stopMs, name).toBeGreaterThanOrEqual(graceMs + 5_000);
    }
    const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
    const imageGraceMs = Number(/ARBOR_SHUTDOWN_GRACE_MS=(\d+)/.exec(dockerfile)?.[1]);
    const dockerStopDefaultMs = 10_000;
    expect(imageGraceMs + 2_000).toBeLessThanOrEqual(dockerStopDefaultMs);
  });

  it('runs the gateway on port 8080, published on the loopback, calling the orchestrator where it listens', () => {
    const file = parse(readFileSync(`${root}/docker-compose.yml`, 'utf8'), { merge: true }) as {
      services: Record<string, { command?: string[]; ports?: string[]; depends_on?: string[]; environment?: Record<string, string> }>;
    };
    const gateway = file.services.gateway!;
    const dockerfile = readFileSync(`${root}/Dockerfile`, 'utf8');
    const listening = (variable: string) => Number(new RegExp(`${variable}=0\\.0\\.0\\.0:(\\d+)`).exec(dockerfile)?.[1]);
    // The image listens on all interfaces; compose publishes the gateway's port on the host's loopback only.
    expect(listening('ARBOR_GATEWAY_LISTEN')).toBe(8080);
    expect(gateway.ports).toEqual(['127.0.0.1:8080:8080']);
    // It dials the orchestrator's compose service on the port the orchestrator listens on in the image.
    const [host, port] = gateway.environment!.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS!.split(':');
    expect(host).toBe('orchestrator');
    expect(file.services[host!]?.command).toEqual(['serve', 'orchestrator']);
    expect(Number(port)).toBe(listening('ARBOR_ORCHESTRATOR_LISTEN'));
    expect(gateway.depends_on).toContain('orchestrator');
  });

  it('has a collector that exports traces to Jaeger', () => {
    const text = readFileSync(`${root}/deploy/otel/collector.yaml`, 'utf8');
    expect(text).toMatch(/otlp\/jaeger:\n\s+endpoint: jaeger:4317/);
    expect(text).toMatch(/traces:\n\s+receivers: \[otlp\]\n\s+processors: \[[^\]]*\]\n\s+exporters: \[otlp\/jaeger/);
  });
});
