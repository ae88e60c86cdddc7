// The JobService's domain: a job is checked whole at submission (a bad configuration or problem is refused before
// anything is queued), recorded in the jobs bucket, and queued as one work message per (configuration, problem).
// Replicas work the queue (job-worker.ts); results land in the results stream, which status and WatchJob read.
// No gRPC in here.
import { randomUUID } from 'node:crypto';
import { AckPolicy, DeliverPolicy } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { JOB_ID_PATTERN, type Job, type JobEvent, type SearchRequest__Output, type SubmitJobRequest__Output } from '@arbor/contracts';
import { AlreadyExistsError, FailedPreconditionError, InvalidArgumentError, isArborError, NotFoundError, ResourceExhaustedError, UnavailableError } from '@arbor/kit/errors';
import type { Principal } from '@arbor/kit/auth';
import type { JetStreamResources } from '../cluster/jetstream.js';
import type { SearchRunner } from '../search-runner.js';
import { decodeJobEvent, encodeWork, itemId, type JobItem } from './job-codec.js';
import { JobRecords, type JobRecord } from './job-records.js';

export const MAX_JOB_CONFIGURATIONS = 1_000;
export const MAX_JOB_PROBLEMS = 100_000;
export const MAX_JOB_ITEMS = 1_000_000;
/** Problem bytes times configurations: what the job puts in the work queue, whatever its shape. */
export const MAX_JOB_BYTES = 256 * 2 ** 20;
const CONFIGURATION_NAME = /^[A-Za-z0-9._-]{1,128}$/;
const MAX_JOB_NAME = 200;
/** Work messages published before waiting for their acknowledgements. */
const PUBLISH_WINDOW = 256;

const NOT_ENABLED = 'jobs need NATS JetStream: start the orchestrator with ARBOR_JOBS=on and NATS_URL set';

function checkJobId(jobId: string): void {
  if (jobId === '') throw new InvalidArgumentError('job_id', 'is required');
  if (!JOB_ID_PATTERN.test(jobId)) throw new InvalidArgumentError('job_id', 'is not a job id');
}

/** An error of a configuration or problem, renamed to the field of the job that holds it. */
function within(field: string, err: unknown): unknown {
  if (isArborError(err) && (err.kind === 'invalid_argument' || err.kind === 'resource_exhausted')) return new InvalidArgumentError(field, err.message);
  return err;
}

export class JobService {
  #resources: (JetStreamResources & { records: JobRecords; nc: NatsConnection }) | undefined;

  /** `enabled`: ARBOR_JOBS=on; when off every call is FAILED_PRECONDITION, saying how to turn jobs on. */
  constructor(
    private readonly runner: SearchRunner,
    private readonly enabled: boolean,
  ) {}

  /** Set when JetStream answers; until then every call is UNAVAILABLE. */
  attach(nc: NatsConnection, resources: JetStreamResources, records: JobRecords): void {
    this.#resources = { ...resources, records, nc };
  }

  #require() {
    if (!this.enabled) throw new FailedPreconditionError(NOT_ENABLED);
    if (!this.#resources) throw new UnavailableError('JetStream is not reachable yet; retry');
    return this.#resources;
  }

  async submit(principal: Principal, request: SubmitJobRequest__Output): Promise<Job> {
    const resources = this.#require();
    const { configurations, problems } = request;
    if (request.name.length > MAX_JOB_NAME) throw new InvalidArgumentError('name', `must be at most ${MAX_JOB_NAME} characters`);
    if (configurations.length === 0 || configurations.length > MAX_JOB_CONFIGURATIONS) {
      throw new InvalidArgumentError('configurations', `give 1 to ${MAX_JOB_CONFIGURATIONS}, got ${configurations.length}`);
    }
    if (problems.length === 0 || problems.length > MAX_JOB_PROBLEMS) throw new InvalidArgumentError('problems', `give 1 to ${MAX_JOB_PROBLEMS}, got ${problems.length}`);
    if (configurations.length * problems.length > MAX_JOB_ITEMS) {
      throw new InvalidArgumentError('configurations', `configurations x problems must be at most ${MAX_JOB_ITEMS}; split the job`);
    }
    const names = new Set<string>();
    configurations.forEach((configuration, index) => {
      if (!CONFIGURATION_NAME.test(configuration.name)) throw new InvalidArgumentError(`configurations[${index}].name`, 'must be 1 to 128 letters, digits and . _ -');
      if (names.has(configuration.name)) throw new InvalidArgumentError(`configurations[${index}].name`, 'is the name of an earlier configuration');
      names.add(configuration.name);
      if (!configuration.search) throw new InvalidArgumentError(`configurations[${index}].search`, 'is required');
    });
    const searches = configurations.map((c) => c.search!);
    if (request.jobId !== '' && !JOB_ID_PATTERN.test(request.jobId)) throw new InvalidArgumentError('job_id', 'must be 1 to 64 letters, digits, - and _');
    const problemBytes = problems.reduce((sum, p) => sum + Buffer.byteLength(p.question) + Object.entries(p.params).reduce((n, [k, v]) => n + k.length + v.length, 0), 0);
    if (problemBytes * configurations.length > MAX_JOB_BYTES) {
      throw new InvalidArgumentError('problems', `the problems times the configurations come to ${Math.ceil((problemBytes * configurations.length) / 2 ** 20)} MiB; at most ${MAX_JOB_BYTES / 2 ** 20} MiB a job: split it`);
    }
    const ids = new Set<string>();
    problems.forEach((problem, index) => {
      if (problem.id === '') throw new InvalidArgumentError(`problems[${index}].id`, 'is required: results are matched to problems by id');
      if (ids.has(problem.id)) throw new InvalidArgumentError(`problems[${index}].id`, 'is the id of an earlier problem');
      ids.add(problem.id);
      try {
        this.runner.checkProblem(problem);
      } catch (err) {
        throw within(`problems[${index}]`, err);
      }
    });
    searches.forEach((search, index) => {
      try {
        this.runner.check({ ...search, problem: problems[0]! }, principal);
      } catch (err) {
        throw within(`configurations[${index}].search`, err);
      }
    });
    if (request.jobId !== '') {
      // Sent again after a lost reply: the job it made, queued once.
      const existing = await resources.records.get(request.jobId);
      if (existing && existing.tenant === principal.tenant) return this.#status(existing);
      if (existing) throw new AlreadyExistsError('job_id: already taken; choose another, or send none for one the server assigns');
    }
    const record: JobRecord = {
      id: request.jobId || randomUUID(),
      name: request.name,
      tenant: principal.tenant,
      via: principal.via,
      limits: principal.limits,
      configurations: configurations.map((c) => c.name),
      problems: problems.length,
      createdUnixMs: Date.now(),
      cancelledUnixMs: 0,
    };
    await resources.records.put(record);
    try {
      await this.#queue(record, searches, problems);
    } catch (err) {
      // A job half queued would never finish: take back what went in, and say so.
      await resources.jsm.streams.purge(resources.names.workStream, { filter: `${resources.subjects.work}.${record.id}.>` }).catch(() => undefined);
      await resources.records.delete(record);
      if (err instanceof Error && /maximum (bytes|messages)|resource limits/i.test(err.message)) {
        throw new ResourceExhaustedError('the job queue is full (ARBOR_JOB_QUEUE_MB); nothing of this job was kept: submit it again once running jobs have drained', { cause: err });
      }
      throw new UnavailableError('the job could not be queued in JetStream; nothing of it was kept, submit it again', { cause: err });
    }
    return this.#status(record);
  }

  async #queue(record: JobRecord, searches: SearchRequest__Output[], problems: SubmitJobRequest__Output['problems']): Promise<void> {
    const { js, subjects } = this.#require();
    let window: Promise<unknown>[] = [];
    for (let c = 0; c < searches.length; c++) {
      for (let p = 0; p < problems.length; p++) {
        const item: JobItem = { jobId: record.id, configuration: c, problem: p };
        const data = encodeWork(item, searches[c]!, problems[p]!);
        // The message id makes a re-sent publish (after a lost acknowledgement) a no-op.
        window.push(js.publish(`${subjects.work}.${itemId(item)}`, data, { msgID: itemId(item) }));
        if (window.length >= PUBLISH_WINDOW) {
          await Promise.all(window);
          window = [];
        }
      }
    }
    await Promise.all(window);
  }

  /** Results in so far: the results stream holds one message per answered (configuration, problem). */
  async #answered(jobId: string): Promise<number> {
    const { jsm, names, subjects } = this.#require();
    try {
      const info = await jsm.consumers.add(names.resultsStream, {
        filter_subject: `${subjects.results}.${jobId}.>`,
        ack_policy: AckPolicy.None,
        deliver_policy: DeliverPolicy.All,
        inactive_threshold: nanos(30_000),
        mem_storage: true,
      });
      await jsm.consumers.delete(names.resultsStream, info.name).catch(() => undefined);
      return info.num_pending;
    } catch (err) {
      throw new UnavailableError('the job results in JetStream cannot be read now; retry', { cause: err });
    }
  }

  async #status(record: JobRecord): Promise<Job> {
    const total = record.configurations.length * record.problems;
    const answered = await this.#answered(record.id);
    const state = record.cancelledUnixMs > 0 ? 'JOB_STATE_CANCELLED' : answered >= total ? 'JOB_STATE_DONE' : 'JOB_STATE_RUNNING';
    return {
      jobId: record.id,
      name: record.name,
      state,
      configurations: record.configurations,
      problems: record.problems,
      total,
      answered,
      createdUnixMs: String(record.createdUnixMs),
      cancelledUnixMs: String(record.cancelledUnixMs),
    };
  }

  async get(tenant: string, jobId: string): Promise<Job> {
    checkJobId(jobId);
    return this.#status(await this.#require().records.owned(tenant, jobId));
  }

  async list(tenant: string, limit: number): Promise<Job[]> {
    const records = await this.#require().records.list(tenant);
    const jobs: Job[] = [];
    // One at a time: each status is two JetStream API calls, and a burst of them would be throttled.
    for (const record of records.slice(0, limit > 0 ? Math.min(limit, 1_000) : 100)) jobs.push(await this.#status(record));
    return jobs;
  }

  async cancel(tenant: string, jobId: string): Promise<Job> {
    checkJobId(jobId);
    const { records, jsm, names, subjects, nc } = this.#require();
    const record = await records.owned(tenant, jobId);
    if (record.cancelledUnixMs === 0) {
      record.cancelledUnixMs = Date.now();
      await records.put(record);
    }
    // Every time it is asked, so that a cancellation that failed half way is completed by asking again. The
    // running searches stop when the broadcast reaches their replicas; a replica that misses it finds the record
    // cancelled before it publishes, and the problems not started are dropped here (or, failing that, by the
    // replicas that take them).
    nc.publish(subjects.cancelJob, JSON.stringify({ jobId }));
    await jsm.streams.purge(names.workStream, { filter: `${subjects.work}.${jobId}.>` }).catch((err: unknown) => {
      throw new UnavailableError('the job is cancelled, but its queued problems could not be dropped now; replicas drop them as they take them, or cancel again', { cause: err });
    });
    return this.#status(record);
  }

  /**
   * Sends the job's status, every result in the order they came (those already in first), and the final status
   * once every problem is answered or the job is cancelled; returns early when `signal` aborts.
   */
  async watch(tenant: string, jobId: string, send: (event: JobEvent) => void, signal: AbortSignal): Promise<void> {
    checkJobId(jobId);
    const { js, names, subjects, records } = this.#require();
    const record = await records.owned(tenant, jobId);
    const total = record.configurations.length * record.problems;
    send({ status: await this.#status(record) });
    const unreachable = (err: unknown) => new UnavailableError('the job results in JetStream cannot be read now; watch again to resume', { cause: err });
    const consumer = await js.consumers.get(names.resultsStream, { filter_subjects: `${subjects.results}.${jobId}.>` }).catch((err: unknown) => {
      throw unreachable(err);
    });
    // Distinct subjects: one answer per problem, whatever the stream holds.
    const seen = new Set<string>();
    while (!signal.aborted && seen.size < total) {
      let got = 0;
      try {
        for await (const msg of await consumer.fetch({ max_messages: 256, expires: 1_000 })) {
          got++;
          if (seen.has(msg.subject)) continue;
          seen.add(msg.subject);
          send(decodeJobEvent(msg.data));
        }
      } catch (err) {
        throw unreachable(err);
      }
      if (got === 0) {
        const now = await records.get(jobId);
        if (!now) throw new NotFoundError('job_id: the job expired while it was watched');
        if (now.cancelledUnixMs > 0) break;
      }
    }
    if (signal.aborted) return;
    const final = await records.get(jobId);
    send({ status: await this.#status(final ?? record) });
  }
}
