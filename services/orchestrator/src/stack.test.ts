// The NATS routing the orchestrator's settings build: replica affinity on by default, off when asked, and the
// load factor of its bound passed to each service's replicas.
import { describe, expect, it } from 'vitest';
import { readOrchestratorConfig } from './config.js';
import { natsRouting } from './stack.js';

const nats = { ARBOR_POLICY_TRANSPORT: 'nats', ARBOR_REWARD_TRANSPORT: 'nats', NATS_URL: 'nats://127.0.0.1:4222' };

describe('natsRouting', () => {
  it('gives every NATS service replica affinity, with the configured load factor', () => {
    const routing = natsRouting(readOrchestratorConfig({ ...nats, ARBOR_NATS_AFFINITY_LOAD_FACTOR: '2' }));
    expect(Object.keys(routing).sort()).toEqual(['propose', 'score']);
    for (const service of [routing.propose, routing.score]) {
      expect(service?.affinity).toBeDefined();
      expect(service?.replicas.options.loadFactor).toBe(2);
    }
    expect(natsRouting(readOrchestratorConfig(nats)).propose?.replicas.options.loadFactor).toBe(1.25);
  });

  it('leaves affinity out when ARBOR_NATS_AFFINITY is false', () => {
    const routing = natsRouting(readOrchestratorConfig({ ...nats, ARBOR_NATS_AFFINITY: 'false' }));
    expect(routing.propose?.affinity).toBeUndefined();
    expect(routing.propose?.replicas).toBeDefined();
  });
});
