// Joins this replica to the cluster once NATS answers: opens (or creates) what JetStream holds, then answers the
// other replicas about its searches, keeps its finished trees where they can read them, and takes job work.
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { Logger } from '@arbor/kit';
import type { OrchestratorConfig } from '../config.js';
import { JobRecords } from '../jobs/job-records.js';
import type { Stack } from '../stack.js';
import { openJetStream } from './jetstream.js';
import { answerPeers } from './peer-searches.js';

export interface ClusterMembership {
  /** Stops answering the other replicas (the job worker is stopped by the drain). */
  leave(): void;
}

export async function attachCluster(nc: NatsConnection, stack: Stack, config: OrchestratorConfig, logger: Logger): Promise<ClusterMembership> {
  const resources = await openJetStream(nc, {
    namespace: config.ARBOR_NATS_NAMESPACE,
    ackWaitMs: config.ARBOR_JOB_ACK_WAIT_MS,
    jobRetentionHours: config.ARBOR_JOB_RETENTION_HOURS,
    treeRetentionHours: config.ARBOR_TREE_RETENTION_HOURS,
    treesBytes: config.ARBOR_SHARED_TREES_MB * 2 ** 20,
    replicas: config.ARBOR_JETSTREAM_REPLICAS,
    workQueueBytes: config.ARBOR_JOB_QUEUE_MB * 2 ** 20,
  });
  const records = new JobRecords(resources.jobs);
  stack.sharedTrees?.attach(resources.trees);
  stack.jobs.attach(nc, resources, records);
  stack.searches.attach({ nc, subjects: resources.subjects });
  const subscriptions: Subscription[] = answerPeers(nc, resources.subjects, stack.runner, logger);
  stack.jobWorker?.start(nc, resources, records);
  logger.info({ workStream: resources.names.workStream, resultsStream: resources.names.resultsStream }, 'jobs on: taking work from JetStream; trees shared with the other replicas');
  return {
    leave() {
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
}
