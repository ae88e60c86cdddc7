// What the orchestrator keeps in NATS JetStream, set up (or brought to the current settings) by every replica when
// it connects, so that the first replica of a new stack creates them and none depends on another's start order:
// the job work queue and its shared durable consumer, the results stream, the job records, the finished trees.
import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType, type Consumer, type JetStreamClient, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetStreamNames, jobSubjects, type JetStreamNames, type JobSubjects } from '@arbor/contracts';

export interface JetStreamSettings {
  namespace: string;
  ackWaitMs: number;
  jobRetentionHours: number;
  treeRetentionHours: number;
  treesBytes: number;
  /** Copies of each stream and bucket (at most the NATS cluster's size). */
  replicas: number;
  /** The most the work queue holds; a publish past it is refused (DiscardPolicy.New), never older work dropped. */
  workQueueBytes: number;
}

export interface JetStreamResources {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: JetStreamNames;
  subjects: JobSubjects;
  /** The shared durable pull consumer of the work queue. */
  work: Consumer;
  jobs: KV;
  trees: ObjectStore;
}

const HOUR_MS = 3_600_000;

/**
 * A publish sent again (its acknowledgement lost) is dropped for this long. Beyond it, a second result for the
 * same problem is refused anyway: results are published only onto an empty subject (see job-worker.ts).
 */
const DUPLICATE_WINDOW_MS = 10 * 60_000;

/** Creates the stream, or brings an existing one to `config` (retention and limits may change between releases). */
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  const exists = await jsm.streams.info(config.name).then(() => true, () => false);
  if (exists) await jsm.streams.update(config.name, config);
  else await jsm.streams.add(config);
}

/** Updates an existing stream where it differs from `changes` (a bucket made under other settings). */
async function bringTo(jsm: JetStreamManager, stream: string, changes: Pick<StreamConfig, 'num_replicas' | 'max_age'> & Partial<Pick<StreamConfig, 'max_bytes'>>): Promise<void> {
  const { config } = await jsm.streams.info(stream);
  const differs = (Object.keys(changes) as Array<keyof typeof changes>).some((key) => config[key] !== changes[key]);
  if (differs) await jsm.streams.update(stream, { ...changes });
}

export async function openJetStream(nc: NatsConnection, settings: JetStreamSettings): Promise<JetStreamResources> {
  const names = jetStreamNames(settings.namespace);
  const subjects = jobSubjects(settings.namespace);
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const jobAge = nanos(settings.jobRetentionHours * HOUR_MS);
  await ensureStream(jsm, {
    name: names.workStream,
    subjects: [`${subjects.work}.>`],
    // Each problem is taken by one replica and gone once acknowledged.
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    num_replicas: settings.replicas,
    max_bytes: settings.workQueueBytes,
    discard: DiscardPolicy.New,
    max_age: jobAge,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
  await ensureStream(jsm, {
    name: names.resultsStream,
    subjects: [`${subjects.results}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: settings.replicas,
    max_age: jobAge,
    // One result per subject: a second one for the same problem is never kept beside the first.
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
  });
  const consumerConfig = {
    durable_name: names.workConsumer,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs),
    // Attempts are counted by the replicas (ARBOR_JOB_MAX_ATTEMPTS), which then publish a failed result: a
    // problem must end with a result, not sit undelivered.
    max_deliver: -1,
    max_ack_pending: 100_000,
  };
  const consumerExists = await jsm.consumers.info(names.workStream, names.workConsumer).then(() => true, () => false);
  if (consumerExists) await jsm.consumers.update(names.workStream, names.workConsumer, consumerConfig);
  else await jsm.consumers.add(names.workStream, consumerConfig);
  const jobs = await new Kvm(nc).create(names.jobsBucket, { history: 1, ttl: settings.jobRetentionHours * HOUR_MS, storage: StorageType.File, replicas: settings.replicas });
  const trees = await new Objm(nc).create(names.treesBucket, {
    ttl: nanos(settings.treeRetentionHours * HOUR_MS),
    max_bytes: settings.treesBytes,
    storage: StorageType.File,
    replicas: settings.replicas,
  });
  // create() opens a bucket that exists as it is: bring its stream to the current settings, as for the others.
  await bringTo(jsm, `KV_${names.jobsBucket}`, { num_replicas: settings.replicas, max_age: jobAge });
  await bringTo(jsm, `OBJ_${names.treesBucket}`, { num_replicas: settings.replicas, max_age: nanos(settings.treeRetentionHours * HOUR_MS), max_bytes: settings.treesBytes });
  const work = await js.consumers.get(names.workStream, names.workConsumer);
  return { js, jsm, names, subjects, work, jobs, trees };
}
