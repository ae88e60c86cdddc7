// The in-process composition: builds the services named (`arbor serve policy value`, `serve all`, `arbor solve`)
// from one environment, each reading only its own settings, and hands the orchestrator the model services that
// run beside it. This is the one place that knows every service.
import { createLogger, env as setting, readConfig, type EnvSource, type Logger, type RunningService } from '@arbor/kit';
import { createOrchestrator, inprocServices, readOrchestratorConfig, type InprocHandlers, type Orchestrator, type OrchestratorConfig } from '@arbor/orchestrator';
import { createPolicyService } from '@arbor/policy';
import { createRewardService } from '@arbor/reward';
import { createValueService } from '@arbor/value';

export const SERVE_TARGETS = ['policy', 'value', 'reward', 'orchestrator', 'all'] as const;
export type ServeTarget = (typeof SERVE_TARGETS)[number];

/** Settings of `arbor serve` itself, beside each service's own. */
export const serveConfigShape = {
  /** How long a stopping process lets calls in flight finish before it closes connections. */
  ARBOR_SHUTDOWN_GRACE_MS: setting.integer(10_000, 0, 600_000),
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

/** The orchestrator with the model services it reaches in-process composed in. */
export function composeOrchestrator(env: EnvSource, logger: Logger): Orchestrator {
  const config = readOrchestratorConfig(env);
  return createOrchestrator(config, { logger, handlers: inprocHandlers(config, env) });
}

export interface ServingStack {
  services: RunningService[];
  stop(): Promise<void>;
}

/** Starts each service named, in this process, on its own gRPC address (`all` is the orchestrator). */
export async function startServices(names: ServeTarget[], env: EnvSource, logLevel: string): Promise<ServingStack> {
  const { ARBOR_SHUTDOWN_GRACE_MS: graceMs } = readConfig(serveConfigShape, env);
  const running: RunningService[] = [];
  try {
    for (const name of new Set(names)) {
      const logger = createLogger(name === 'all' ? 'orchestrator' : name, { level: logLevel });
      const service =
        name === 'policy' ? createPolicyService(env)
        : name === 'value' ? createValueService(env)
        : name === 'reward' ? createRewardService(env)
        : composeOrchestrator(env, logger);
      running.push(await service.serve({ logger, graceMs }));
    }
  } catch (err) {
    await Promise.all(running.map((service) => service.stop()));
    throw err;
  }
  return {
    services: running,
    // Every service drains at once (health NOT_SERVING first), each then stopping what it started in order.
    stop: async () => {
      await Promise.all(running.map((service) => service.stop()));
    },
  };
}
