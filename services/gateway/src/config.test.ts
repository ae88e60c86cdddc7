import { ConfigError } from '@arbor/kit';
import { describe, expect, it } from 'vitest';
import { readGatewayConfig } from './config.js';
import { createGatewayService } from './service.js';

describe('gateway settings', () => {
  it('has defaults for the listener and the orchestrator', () => {
    const config = readGatewayConfig({});
    expect(config.ARBOR_GATEWAY_LISTEN).toBe('127.0.0.1:8080');
    expect(config.ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS).toBe('127.0.0.1:50051');
    expect(createGatewayService({}).presets.map((p) => p.id)).toEqual(['arbor-mcts', 'arbor-beam', 'arbor-bon']);
  });

  it('refuses a bad address, a missing presets file, and a client certificate without TLS', () => {
    expect(() => readGatewayConfig({ ARBOR_GATEWAY_LISTEN: 'nowhere' })).toThrow(ConfigError);
    expect(() => createGatewayService({ ARBOR_GATEWAY_PRESETS_FILE: '/nonexistent/presets.json' })).toThrow(/ARBOR_GATEWAY_PRESETS_FILE/);
    expect(() => createGatewayService({ ARBOR_GRPC_CA_FILE: '/etc/hostname' })).toThrow(/ARBOR_GRPC_TLS/);
  });
});
