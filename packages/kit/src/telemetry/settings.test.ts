// When telemetry starts and under which service name, from OTEL_* variables and the command line.
import { describe, expect, it } from 'vitest';
import { serviceNameFromArgs, serviceNameFromEnv, telemetryRequest } from './settings.js';

describe('telemetryRequest', () => {
  it.each([
    [{}, { traces: false, metrics: false }],
    [{ OTEL_TRACES_EXPORTER: 'console' }, { traces: true, metrics: false }],
    [{ OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' }, { traces: false, metrics: false }],
    [{ OTEL_METRICS_EXPORTER: 'prometheus' }, { traces: false, metrics: true }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, { traces: true, metrics: true }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_METRICS_EXPORTER: 'none' }, { traces: true, metrics: false }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }, { traces: true, metrics: false }],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }, { traces: false, metrics: false }],
    [{ OTEL_TRACES_EXPORTER: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: '' }, { traces: false, metrics: false }],
  ])('%j asks for %j', (env, expected) => {
    expect(telemetryRequest(env)).toEqual(expected);
  });
});

describe('serviceNameFromArgs', () => {
  it.each([
    [['serve', 'policy'], 'arbor-policy'],
    [['serve', 'reward', '--listen', '127.0.0.1:0', '--nats-url', 'nats://127.0.0.1:4222'], 'arbor-reward'],
    [['serve', 'orchestrator'], 'arbor-orchestrator'],
    [['serve', 'gateway', '--orchestrator-address', 'orchestrator:50051'], 'arbor-gateway'],
    [['serve', 'all'], 'arbor'],
    [['serve', 'policy', 'value', 'reward'], 'arbor'],
    [['solve', '--numbers', '4 9 10 13'], 'arbor'],
    [[], 'arbor'],
  ])('%j runs as %s', (args, name) => {
    expect(serviceNameFromArgs(args)).toBe(name);
  });

  it('yields to a name set in the environment', () => {
    expect(serviceNameFromEnv({ OTEL_SERVICE_NAME: 'x' })).toBe(true);
    expect(serviceNameFromEnv({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev,service.name=x' })).toBe(true);
    expect(serviceNameFromEnv({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev' })).toBe(false);
  });
});
