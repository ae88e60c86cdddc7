// The orchestrator as the arbor app composes it: the search runner over its model transports, and serve(), which
// answers the SearchService on gRPC. Model services that run in the same process are handed in by their contracts
// (InprocHandlers); the orchestrator never builds one itself.
import { orchestratorInboxPrefix } from '@arbor/contracts';
import { authenticatorFrom } from '@arbor/kit/auth';
import { attachNats, clientTlsFrom, natsClientFrom, ConfigError, runningService, serverTlsFrom, type ArborService, type Logger, type StopHook } from '@arbor/kit';
import { ADDRESS_SETTING, TRANSPORT_SETTING, type OrchestratorConfig } from './config.js';
import { startSearchServer } from './server.js';
import { MODEL_SERVICES, buildStack, type Stack } from './stack.js';
import { pollGrpcHealth, Readiness } from './readiness.js';
import type { InprocHandlers } from './transport/inproc.js';
import { attachCluster, type ClusterMembership } from './cluster/attach-cluster.js';
import type { NatsConnection } from '@nats-io/transport-node';

export interface Orchestrator extends ArborService, Stack {
  readonly name: 'orchestrator';
  readonly config: OrchestratorConfig;
  /** Cancels searches still running and closes the model clients; for a stack that was never served. */
  close(): Promise<void>;
}

/**
 * How long before the end of the grace period running searches are stopped: time for each to settle its best
 * answer and for its result to reach the caller. A fifth of the grace, between 250 ms and 2 s.
 */
export function shutdownReserveMs(graceMs: number): number {
  return Math.min(graceMs, Math.max(250, Math.min(2_000, graceMs / 5)));
}

/** Says at start how callers are checked, and warns when nothing stops whoever reaches a non-local address. */
function logAuthentication(logger: Logger, address: string, tls: string, methods: string[]): void {
  const local = /^(127\.|localhost:|\[::1\]:)/.test(address);
  if (methods.length > 0) logger.info({ tls, authentication: methods }, 'callers must authenticate');
  else if (!local) logger.warn({ address, tls }, 'no authentication: whoever reaches this address can run, read and cancel any search (set ARBOR_AUTH_TOKENS_FILE)');
}

export interface OrchestratorOptions {
  logger: Logger;
  /** The model services running in this process; each one configured as `inproc` must be here. */
  handlers?: InprocHandlers;
}

export function createOrchestrator(config: OrchestratorConfig, options: OrchestratorOptions): Orchestrator {
  // Read at start, so that a missing certificate stops the orchestrator before it serves anything.
  const tls = serverTlsFrom(config);
  const models = clientTlsFrom(config);
  const natsClient = natsClientFrom(config);
  const stack = buildStack(config, options.logger, options.handlers, models);
  const close = async () => {
    stack.runner.cancelAll();
    await stack.transports.close();
  };
  return {
    ...stack,
    name: 'orchestrator',
    config,
    close,
    async serve({ logger, graceMs }) {
      if (stack.nats && !config.NATS_URL) {
        throw new ConfigError(`NATS_URL: required ${config.ARBOR_JOBS === 'on' ? 'with ARBOR_JOBS=on (jobs live in NATS JetStream)' : 'when a model service is reached over NATS'}`);
      }
      const authenticator = authenticatorFrom(config, tls.mode === 'mtls', logger);
      logAuthentication(logger, config.ARBOR_ORCHESTRATOR_LISTEN, tls.mode, authenticator.methods);
      const server = await startSearchServer({
        address: config.ARBOR_ORCHESTRATOR_LISTEN,
        runner: stack.runner,
        searches: stack.searches,
        jobs: stack.jobs,
        logger,
        tls,
        authenticator,
        ...(config.ARBOR_ORCHESTRATOR_HEALTH_LISTEN && { healthAddress: config.ARBOR_ORCHESTRATOR_HEALTH_LISTEN }),
      });
      const after: StopHook[] = [];
      // SERVING only while every model service it needs can answer.
      const readiness = new Readiness((ready) => server.setServing(ready), logger);
      for (const service of MODEL_SERVICES) {
        const transport = config[TRANSPORT_SETTING[service]];
        if (transport === 'grpc') {
          readiness.require(service);
          const stopPolling = pollGrpcHealth(config[ADDRESS_SETTING[service]], service, (serving) => readiness.set(service, serving), models);
          after.unshift(stopPolling);
        }
      }
      const link = stack.nats;
      const discovery = stack.discovery;
      let stopping = false;
      let cluster: ClusterMembership | undefined;
      const joinCluster = async (nc: NatsConnection): Promise<void> => {
        // JetStream may still be starting (a NATS cluster electing its meta leader): try again until it answers.
        // Meanwhile the replica serves searches (jobs answer UNAVAILABLE): a JetStream outage must not take
        // every replica out of its Service.
        for (let attempt = 0; !stopping && !cluster; attempt++) {
          try {
            cluster = await attachCluster(nc, stack, config, logger);
          } catch (err) {
            if (attempt === 0) logger.error({ err }, 'ARBOR_JOBS=on but JetStream does not answer (is the NATS server started with JetStream?); retrying');
            await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
          }
        }
      };
      if (link) {
        readiness.require('nats');
        if (discovery) {
          for (const { operation } of discovery.services) readiness.require(`${operation} replicas`);
          discovery.onRound(() => {
            for (const { operation, replicas } of discovery.services) {
              readiness.set(`${operation} replicas`, replicas.answering(discovery.presenceWindowMs) > 0);
            }
          });
        }
        const nats = attachNats({
          url: natsClient.url,
          options: natsClient.options,
          // Replies come to inboxes of its own, which the shipped NATS permissions let no other user read.
          inboxPrefix: orchestratorInboxPrefix(config.ARBOR_NATS_NAMESPACE),
          name: 'arbor-orchestrator',
          logger,
          onConnected: (nc) => {
            link.set(nc);
            // A first connection that lands while the server is stopping starts nothing.
            if (stopping) return;
            discovery?.start();
            void discovery?.round();
            if (config.ARBOR_JOBS === 'on') void joinCluster(nc);
          },
          onConnectedChange: (connected) => {
            readiness.set('nats', connected);
            if (connected) link.reconnected();
          },
        });
        after.unshift(() => {
          stopping = true;
          discovery?.stop();
          cluster?.leave();
        });
        after.push(() => nats.stop(graceMs));
      }
      after.push(() => stack.transports.close());
      after.push(() => authenticator.close());
      return runningService('orchestrator', server, graceMs, {
        // Searches go on while they can, then stop with their best answer early enough for the results to
        // reach their callers before the grace period ends; whatever is still running after that is cancelled.
        drain: async (remainingMs) => {
          // No more job work from now on; what this replica cannot finish goes back to the queue.
          const workerStopped = stack.jobWorker?.stop();
          const stopped = stack.runner.drain(remainingMs - shutdownReserveMs(remainingMs));
          const timeUp = new Promise<void>((resolve) => setTimeout(resolve, remainingMs).unref());
          await Promise.race([stopped, timeUp]);
          stack.runner.cancelAll();
          await workerStopped;
        },
        after,
      });
    },
  };
}
