// Gateway settings: parsed once from the environment, like every service's.
import { clientTlsShape, env, readConfig, type EnvSource } from '@arbor/kit';

export const gatewayConfigShape = {
  /** HOST:PORT the HTTP (OpenAI-compatible) API listens on. */
  ARBOR_GATEWAY_LISTEN: env.address('127.0.0.1:8080'),
  /**
   * The orchestrator's gRPC address; every request becomes a Search call there. A process that runs the
   * orchestrator too (`arbor serve all`) calls that one instead, at the address it bound.
   */
  ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS: env.address('127.0.0.1:50051'),
  /** A JSON file of search presets (the models /v1/models lists); empty: the built-in presets. */
  ARBOR_GATEWAY_PRESETS_FILE: env.string(''),
  /**
   * The tree viewer's link to a search's trace: a URL with {trace_id} in it, e.g. Jaeger's
   * http://jaeger:16686/trace/{trace_id} or a Tempo explore link; empty: no link.
   */
  ARBOR_GATEWAY_TRACE_URL: env.string(''),
  /** TLS towards the orchestrator (ARBOR_GRPC_TLS, ARBOR_GRPC_CA_FILE, ...). */
  ...clientTlsShape,
};

export type GatewayConfig = ReturnType<typeof readConfig<typeof gatewayConfigShape>>;

/** Reads ARBOR_GATEWAY_* and the gRPC client TLS settings; a bad setting throws a ConfigError naming it. */
export function readGatewayConfig(source: EnvSource = process.env): GatewayConfig {
  return readConfig(gatewayConfigShape, source);
}
