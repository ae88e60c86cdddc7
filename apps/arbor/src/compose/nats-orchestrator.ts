// An orchestrator stack in this process whose model services are all reached over NATS, connected and finding
// its replicas as `arbor serve orchestrator` does, for benchmarks (B7's sidecars) and tests that drive the search
// runner directly rather than over gRPC.
import type { NatsOperation } from '@arbor/contracts';
import { connectNats, sleep, type Logger, type NatsConnection } from '@arbor/kit';
import { buildStack, readOrchestratorConfig, type Stack } from '@arbor/orchestrator';

export interface NatsOrchestrator {
  stack: Stack;
  nc: NatsConnection;
  /** Runs discovery rounds until `operation` has `count` replicas; false if it has not after `timeoutMs`. */
  awaitReplicas(operation: NatsOperation, count: number, timeoutMs?: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** `env`: more orchestrator settings (ARBOR_NATS_AFFINITY, limits...) over the NATS transports. */
export async function startNatsOrchestrator(url: string, namespace: string, logger: Logger, env: Record<string, string> = {}): Promise<NatsOrchestrator> {
  const config = readOrchestratorConfig({
    ARBOR_POLICY_TRANSPORT: 'nats',
    ARBOR_VALUE_TRANSPORT: 'nats',
    ARBOR_REWARD_TRANSPORT: 'nats',
    NATS_URL: url,
    ARBOR_NATS_NAMESPACE: namespace,
    ...env,
  });
  const stack = buildStack(config, logger);
  const nc = await connectNats({ url, name: 'arbor-orchestrator', logger, onConnectedChange: (up) => up && stack.nats?.reconnected() });
  stack.nats!.set(nc);
  // As `serve orchestrator` does: find the replicas first, then route calls to them.
  stack.discovery?.start();
  await stack.discovery?.round();
  return {
    stack,
    nc,
    async awaitReplicas(operation, count, timeoutMs = 5_000) {
      const service = () => stack.discovery?.services.find((s) => s.operation === operation);
      for (const until = Date.now() + timeoutMs; (service()?.replicas.size ?? 0) < count && Date.now() < until; ) {
        await stack.discovery?.round();
        await sleep(50);
      }
      return (service()?.replicas.size ?? 0) >= count;
    },
    async stop() {
      stack.discovery?.stop();
      stack.runner.cancelAll();
      await stack.transports.close();
      await nc.drain();
    },
  };
}
