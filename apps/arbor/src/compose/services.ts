// The in-process composition: builds the services named (`arbor serve policy value`, `serve all`, `arbor solve`)
// from one environment, each reading only its own settings, and hands the orchestrator the model services that
// run beside it, and the gateway the address that orchestrator bound. This is the one place that knows every
// service.
import { availableParallelism } from 'node:os';
import { createGatewayService, type GatewayService, type RunningGateway } from '@arbor/gateway';
import { createLogger, env as setting, readConfig, type EnvSource, type Logger, type RunningService } from '@arbor/kit';
import { createOrchestrator, inprocServices, readOrchestratorConfig, type InprocHandlers, type Orchestrator, type OrchestratorConfig } from '@arbor/orchestrator';
import { createPolicyService } from '@arbor/policy';
import { createRewardService } from '@arbor/reward';
import { createValueService } from '@arbor/value';
import type { ModelService } from '@arbor/search';
import { startModelWorkers, type ModelWorkers } from './model-workers.js';

export const SERVE_TARGETS = ['policy', 'value', 'reward', 'orchestrator', 'gateway', 'all'] as const;
export type ServeTarget = (typeof SERVE_TARGETS)[number];

/** Settings of `arbor serve` itself, beside each service's own. */
export const serveConfigShape = {
  /** The whole drain of a stopping process: running searches return their best answer within it. */
  ARBOR_SHUTDOWN_GRACE_MS: setting.integer(10_000, 0, 600_000),
  /**
   * Worker threads for the embedded model backends of a served orchestrator that runs them in process (`serve
   * all`); 0 runs them on the main thread. Default: one per core but the main thread's, at least one.
   */
  ARBOR_INPROC_WORKERS: setting.integer(Math.max(1, availableParallelism() - 1), 0, 64),
};

/**
 * The model services this orchestrator configuration runs in its own process, each built from its own settings
 * (so a bad ARBOR_POLICY_* setting is reported only by a process that runs the policy).
 */
export function inprocHandlers(config: OrchestratorConfig, env: EnvSource): InprocHandlers {
  const here = new Set(inprocServices(config));
  return {
    ...(here.has('policy') && { policy: createPolicyService(env).handler }),
    ...(here.has('value') && { value: createValueService(env).handler }),
    ...(here.has('reward') && { reward: createRewardService(env).handler }),
  };
}

/** The orchestrator with the model services it reaches in-process composed in, all on this thread. */
export function composeOrchestrator(env: EnvSource, logger: Logger): Orchestrator {
  const config = readOrchestratorConfig(env);
  return createOrchestrator(config, { logger, handlers: inprocHandlers(config, env) });
}

/** The in-process model services whose backend is the embedded one: pure computation, fit for a worker thread. */
function embeddedServices(config: OrchestratorConfig, env: EnvSource): ModelService[] {
  const here = new Set(inprocServices(config));
  return [
    ...(here.has('policy') && createPolicyService(env).config.ARBOR_POLICY_BACKEND === 'embedded' ? ['policy' as const] : []),
    ...(here.has('value') && createValueService(env).config.ARBOR_VALUE_BACKEND === 'embedded' ? ['value' as const] : []),
    ...(here.has('reward') && createRewardService(env).config.ARBOR_REWARD_BACKEND === 'embedded' ? ['reward' as const] : []),
  ];
}

/**
 * The orchestrator as `serve` runs it: its embedded in-process model services on `threads` worker threads
 * (none: on this thread), the others (real backends, which mostly wait on their servers) on this thread.
 */
function composeServedOrchestrator(env: EnvSource, logger: Logger, threads: number): { orchestrator: Orchestrator; workers?: ModelWorkers } {
  const config = readOrchestratorConfig(env);
  const handlers = inprocHandlers(config, env);
  const embedded = threads > 0 ? embeddedServices(config, env) : [];
  if (embedded.length === 0) return { orchestrator: createOrchestrator(config, { logger, handlers }) };
  const workers = startModelWorkers(env, embedded, threads, logger);
  return { orchestrator: createOrchestrator(config, { logger, handlers: { ...handlers, ...workers.handlers } }), workers };
}

export interface ServingStack {
  /** The gRPC services, in the order named (`all`: the orchestrator). */
  services: RunningService[];
  /**
   * The gateway, when one was named or `all` was: an HTTP service, so it is not a RunningService (whose `grpc`
   * is a gRPC server and its health) but sits beside them.
   */
  gateway?: RunningGateway;
  stop(): Promise<void>;
}

/** A client cannot dial a wildcard address: the gateway beside an orchestrator on 0.0.0.0 dials the loopback. */
export function dialable(address: string): string {
  return address.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^\[::\]:/, '[::1]:');
}

/**
 * Starts each service named, in this process, on its own address (`all` is the orchestrator with the model
 * services inside it, and the gateway). A gateway started with an orchestrator calls that one, at the address it
 * bound; a gateway alone calls ARBOR_GATEWAY_ORCHESTRATOR_ADDRESS. Every setting is read before anything listens.
 */
export async function startServices(names: ServeTarget[], env: EnvSource, logLevel: string): Promise<ServingStack> {
  const { ARBOR_SHUTDOWN_GRACE_MS: graceMs, ARBOR_INPROC_WORKERS: threads } = readConfig(serveConfigShape, env);
  const wanted = new Set(names);
  const gatewayService: GatewayService | undefined = wanted.has('gateway') || wanted.has('all') ? createGatewayService(env) : undefined;
  wanted.delete('gateway');
  const running: RunningService[] = [];
  let gateway: RunningGateway | undefined;
  try {
    for (const name of wanted) {
      const logger = createLogger(name === 'all' ? 'orchestrator' : name, { level: logLevel });
      if (name === 'orchestrator' || name === 'all') {
        const { orchestrator, workers } = composeServedOrchestrator(env, logger, threads);
        const served = await orchestrator.serve({ logger, graceMs }).catch(async (err: unknown) => {
          await workers?.close();
          throw err;
        });
        // The workers go last: the searches draining until the end of the grace period still call them.
        running.push(workers ? { ...served, stop: () => served.stop().then(() => workers.close()) } : served);
        continue;
      }
      const service = name === 'policy' ? createPolicyService(env) : name === 'value' ? createValueService(env) : createRewardService(env);
      running.push(await service.serve({ logger, graceMs }));
    }
    if (gatewayService) {
      const orchestrator = running.find((service) => service.name === 'orchestrator');
      const logger = createLogger('gateway', { level: logLevel });
      if (orchestrator && env.ARBOR_TLS_CERT_FILE && !gatewayService.config.ARBOR_GRPC_TLS) {
        logger.warn('the orchestrator serves TLS (ARBOR_TLS_CERT_FILE) but the gateway dials it in plaintext: set ARBOR_GRPC_TLS=true and ARBOR_GRPC_CA_FILE (and ARBOR_GRPC_SERVER_NAME)');
      }
      gateway = await gatewayService.serve({ logger, graceMs, ...(orchestrator && { orchestratorAddress: dialable(orchestrator.grpc.address) }) });
    }
  } catch (err) {
    await Promise.all(running.map((service) => service.stop()));
    throw err;
  }
  const started = gateway;
  return {
    services: running,
    ...(started && { gateway: started }),
    // Everything drains at once: the gateway stops taking connections while the orchestrator (health NOT_SERVING
    // first) winds its searches down, so the gateway's requests in flight still get their answers; each then
    // stops what it started, in order.
    stop: async () => {
      await Promise.all([started?.stop(), ...running.map((service) => service.stop())]);
    },
  };
}
