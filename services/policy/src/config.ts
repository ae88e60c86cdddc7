// Policy service configuration: parsed once from the environment (CLI flags are mapped onto the same names).
import { env, readConfig, type EnvSource } from '@arbor/kit';

export const POLICY_BACKENDS = ['embedded'] as const;
export type PolicyBackendName = (typeof POLICY_BACKENDS)[number];

export const policyConfigShape = {
  ARBOR_POLICY_LISTEN: env.address('127.0.0.1:50052'),
  /** When set, the service also answers on its NATS subject, in its queue group (comma-separated URLs). */
  NATS_URL: env.string(''),
  /** Prefix of the NATS subjects and queue groups, so stacks sharing one NATS server stay apart. */
  ARBOR_NATS_NAMESPACE: env.natsNamespace(),
  /** Calls this replica works on at once over NATS; more are answered UNAVAILABLE so the caller retries elsewhere. */
  ARBOR_POLICY_MAX_IN_FLIGHT: env.integer(32, 1, 100_000),
  /** Embedded backend: a fixed delay before each answer, to simulate a model server's latency. */
  ARBOR_POLICY_EMBEDDED_LATENCY_MS: env.integer(0, 0, 600_000),
  ARBOR_POLICY_BACKEND: env.oneOf(POLICY_BACKENDS, 'embedded'),
  /** Embedded backend: chance that a proposed step carries an arithmetic slip, as LLM steps sometimes do. */
  ARBOR_POLICY_SLIP_RATE: env.number(0, 0, 1),
};

export type PolicyConfig = ReturnType<typeof readPolicyConfig>;

export function readPolicyConfig(source: EnvSource = process.env) {
  return readConfig(policyConfigShape, source);
}
