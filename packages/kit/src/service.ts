// The shape every Arbor service takes for the `arbor` app to compose: a factory reads the service's own settings
// and builds it; serve() puts it on the network (gRPC, and NATS when configured) until stop().
import type { RunningGrpcServer } from './grpc-server.js';
import type { Logger } from './logger.js';
import { attachNats } from './nats/attach.js';
import type { NatsClient } from './nats/client-settings.js';
import type { NatsConnection } from './nats/connection.js';
import type { NatsResponder } from './nats/responder.js';
import type { StopHook } from './shutdown.js';

export const SERVICE_NAMES = ['policy', 'value', 'reward', 'orchestrator'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface ServeOptions {
  logger: Logger;
  /** How long a stopping service lets calls in flight finish before it closes connections. */
  graceMs: number;
}

export interface RunningService {
  readonly name: ServiceName;
  /** Its gRPC server: the address it bound, its health. */
  readonly grpc: RunningGrpcServer;
  /** Health NOT_SERVING, gRPC drained within the grace period, then whatever else it started, in order. */
  stop(): Promise<void>;
}

export interface ArborService {
  readonly name: ServiceName;
  serve(options: ServeOptions): Promise<RunningService>;
}

export interface StopPlan {
  /**
   * Runs once health is NOT_SERVING and before the listener closes, given the milliseconds left of the grace
   * period; e.g. the orchestrator winds its searches down here so that their results still reach the callers.
   */
  drain?: (remainingMs: number) => Promise<void>;
  /** Run in order once the gRPC server has stopped. */
  after?: StopHook[];
}

/** A started gRPC server and how it stops, as one RunningService; the whole stop keeps within `graceMs`. */
export function runningService(name: ServiceName, grpc: RunningGrpcServer, graceMs: number, plan: StopPlan = {}): RunningService {
  let stopping: Promise<void> | undefined;
  return {
    name,
    grpc,
    stop() {
      stopping ??= (async () => {
        const deadline = Date.now() + graceMs;
        grpc.drain();
        if (plan.drain) await plan.drain(graceMs);
        await grpc.shutdown(Math.max(0, deadline - Date.now()));
        for (const hook of plan.after ?? []) await hook();
      })();
      return stopping;
    },
  };
}

export interface ModelServeOptions extends ServeOptions {
  name: Exclude<ServiceName, 'orchestrator'>;
  startGrpc: () => Promise<RunningGrpcServer>;
  /** NATS server(s) and how to authenticate to them; an empty url serves on gRPC only. */
  nats: NatsClient;
  /** Starts answering on the service's NATS subject, once connected. */
  serveOnNats: (nc: NatsConnection) => NatsResponder;
}

/**
 * Serves a model service (policy, value, reward) on gRPC and, when a NATS URL is set, on its NATS subject too.
 * Start-up never waits for NATS: the service answers on NATS from the moment it connects.
 */
export async function serveModelService(options: ModelServeOptions): Promise<RunningService> {
  const { name, logger, graceMs } = options;
  const grpc = await options.startGrpc();
  if (!options.nats.url) return runningService(name, grpc, graceMs);
  // Served over NATS, a replica is of no use until it is connected: NOT_SERVING until then, and while NATS is
  // away or refuses its credentials, so an orchestration system (and an operator) can see it.
  grpc.setServing(false);
  // A subscription the server refuses (this user may not read that subject: a namespace that does not match the
  // server's users, say) is gone for good: the replica would look healthy and never take a call.
  let refused = false;
  const nats = attachNats({
    url: options.nats.url,
    options: options.nats.options,
    name: `arbor-${name}`,
    logger,
    onConnected: options.serveOnNats,
    onConnectedChange: (connected) => grpc.setServing(connected && !refused),
    onSubscriptionRefused: (subject) => {
      refused = true;
      grpc.setServing(false);
      logger.error({ subject }, 'NATS refused a subscription: this user may not subscribe to it (check ARBOR_NATS_NAMESPACE and NATS_USER against the server\'s users); NOT_SERVING until restarted');
    },
  });
  // NATS stops taking requests at once (its queue group sends them to other replicas) and finishes what it has,
  // while gRPC drains alongside: the whole stop keeps within the grace period.
  return runningService(name, grpc, graceMs, { drain: (remainingMs) => nats.stop(remainingMs) });
}
