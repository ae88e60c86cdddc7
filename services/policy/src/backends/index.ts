// Picks the policy backend named by configuration.
import type { PolicyBackend } from '../backend.js';
import type { PolicyConfig } from '../config.js';
import { createEmbeddedPolicy } from './embedded.js';

export function createPolicyBackend(config: PolicyConfig): PolicyBackend {
  switch (config.ARBOR_POLICY_BACKEND) {
    case 'embedded':
      return createEmbeddedPolicy({ slipRate: config.ARBOR_POLICY_SLIP_RATE });
  }
}
