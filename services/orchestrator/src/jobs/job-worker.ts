// One replica's share of the job queue. It pulls from the shared durable consumer only as many problems as it
// has free search slots, tells JetStream every third of the ack wait that each is still running, publishes each
// result (de-duplicated by its item id) before acknowledging the work message, and so:
// - a replica that dies mid-search stops reporting; after the ack wait its problems go to another replica;
// - a replica that dies between publishing and acknowledging leaves a redelivery whose result is already in:
//   the next replica finds it by subject and only acknowledges;
// - a replica that is shutting down hands back (nak) what it could not finish, rather than publishing the
//   early answer a shutdown leaves.
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JobResult } from '@arbor/contracts';
import { isArborError, type ErrorKind } from '@arbor/kit/errors';
import type { Logger } from '@arbor/kit';
import type { JetStreamResources } from '../cluster/jetstream.js';
import type { SharedTrees } from '../cluster/shared-trees.js';
import type { SearchRunner } from '../search-runner.js';
import { decodeWork, encodeJobEvent, itemId, itemOfSubject, type JobItem } from './job-codec.js';
import type { JobRecords } from './job-records.js';

export interface JobWorkerOptions {
  runner: SearchRunner;
  /** Where finished trees go: a result is published once its tree is there, for whoever reads the result next. */
  sharedTrees?: SharedTrees;
  logger: Logger;
  /** Job searches this replica runs at once. */
  slots: number;
  ackWaitMs: number;
  maxAttempts: number;
}

/** Failures another attempt may not meet: a model outage, a full replica, a replica going away. */
const RETRIED_KINDS: ReadonlySet<ErrorKind> = new Set(['unavailable', 'resource_exhausted']);
const RETRY_DELAY_MS = 2_000;
/** How long one pull waits for work when the queue is empty. */
const FETCH_EXPIRES_MS = 1_000;

interface ActiveItem {
  jobId: string;
  controller: AbortController;
}

type Outcome = Pick<JobResult, 'result' | 'errorCode' | 'errorMessage'>;

export class JobWorker {
  readonly #active = new Map<string, ActiveItem>();
  #stopped = false;
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #subscription: Subscription | undefined;

  constructor(private readonly options: JobWorkerOptions) {}

  /** Job searches running on this replica now. */
  get running(): number {
    return this.#active.size;
  }

  start(nc: NatsConnection, resources: JetStreamResources, records: JobRecords): void {
    if (this.#loop) return;
    this.#subscription = nc.subscribe(resources.subjects.cancelJob, {
      callback: (err, msg) => {
        if (err) return;
        let jobId: unknown;
        try {
          jobId = (JSON.parse(new TextDecoder().decode(msg.data)) as { jobId?: unknown }).jobId;
        } catch {
          return;
        }
        for (const item of this.#active.values()) if (item.jobId === jobId) item.controller.abort(new Error('job cancelled'));
      },
    });
    this.#loop = this.#pull(resources, records);
  }

  /** Takes no more work; the searches running go on (the runner's drain ends them). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    this.#subscription?.unsubscribe();
    await this.#loop;
  }

  #room(): number {
    return Math.min(this.options.slots - this.#active.size, this.options.runner.freeSlots);
  }

  /** Resolves when a job search ends or after `ms`, whichever comes first. */
  #waitForRoom(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async #pull(resources: JetStreamResources, records: JobRecords): Promise<void> {
    let warned = false;
    while (!this.#stopped) {
      const room = this.#room();
      if (room <= 0) {
        await this.#waitForRoom(500);
        continue;
      }
      try {
        const batch = await resources.work.fetch({ max_messages: room, expires: FETCH_EXPIRES_MS });
        for await (const msg of batch) void this.#handle(msg, resources, records);
        warned = false;
      } catch (err) {
        if (this.#stopped) break;
        if (!warned) this.options.logger.warn({ err }, 'cannot take job work from JetStream; retrying');
        warned = true;
        await this.#waitForRoom(1_000);
      }
    }
  }

  async #handle(msg: JsMsg, resources: JetStreamResources, records: JobRecords): Promise<void> {
    const item = itemOfSubject(msg.subject);
    if (!item) {
      msg.term('not a job item');
      return;
    }
    const id = itemId(item);
    // Delivered again while this replica still runs it (its reports were late): the running search answers it.
    if (this.#active.has(id)) return;
    const active: ActiveItem = { jobId: item.jobId, controller: new AbortController() };
    this.#active.set(id, active);
    const heartbeat = setInterval(() => msg.working(), Math.max(250, Math.floor(this.options.ackWaitMs / 3)));
    heartbeat.unref();
    const { logger, runner, maxAttempts } = this.options;
    try {
      const record = await records.recent(item.jobId);
      if (!record || record.cancelledUnixMs > 0) {
        msg.term('job cancelled or expired');
        return;
      }
      const attempts = msg.info.deliveryCount;
      if (attempts > 1 && (await this.#hasResult(resources, id))) {
        msg.ack();
        return;
      }
      const request = decodeWork(msg.data);
      const labels = { configuration: record.configurations[item.configuration] ?? '', problemId: request.problem?.id ?? '' };
      let outcome: Outcome;
      if (attempts > maxAttempts) {
        outcome = { errorCode: 'ABORTED', errorMessage: `delivered ${attempts} times without an answer (ARBOR_JOB_MAX_ATTEMPTS=${maxAttempts})` };
      } else {
        try {
          const result = await runner.search(request, {
            principal: { tenant: record.tenant, via: record.via, limits: record.limits },
            signal: active.controller.signal,
            replaceFinished: true,
          });
          if (active.controller.signal.aborted) {
            msg.term('job cancelled');
            return;
          }
          // Cut short by this replica's shutdown: run again in full elsewhere rather than publish an early answer.
          if (result.stopReason === 'STOP_REASON_SHUTDOWN' || (this.#stopped && result.stopReason === 'STOP_REASON_CANCELLED')) {
            msg.nak();
            return;
          }
          await this.options.sharedTrees?.written(record.tenant, id);
          outcome = { result };
        } catch (err) {
          if (active.controller.signal.aborted) {
            msg.term('job cancelled');
            return;
          }
          if (isArborError(err) && RETRIED_KINDS.has(err.kind) && attempts < maxAttempts) {
            msg.nak(this.#stopped ? 0 : RETRY_DELAY_MS);
            return;
          }
          outcome = isArborError(err) ? { errorCode: err.kind.toUpperCase(), errorMessage: err.message } : { errorCode: 'INTERNAL', errorMessage: 'the search failed' };
          logger.warn({ jobId: item.jobId, searchId: id, code: outcome.errorCode }, 'job problem failed; its result records the failure');
        }
      }
      await this.#publish(resources, item, { ...labels, attempts, ...outcome });
      msg.ack();
    } catch (err) {
      // JetStream could not take the result (or answer a look-up): left unacknowledged, the problem comes back
      // after the ack wait, to this replica or another.
      logger.warn({ err, jobId: item.jobId, searchId: id }, 'job problem left for redelivery: JetStream did not take its result');
    } finally {
      clearInterval(heartbeat);
      this.#active.delete(id);
      this.#wake?.();
    }
  }

  async #hasResult(resources: JetStreamResources, id: string): Promise<boolean> {
    const found = await resources.jsm.streams.getMessage(resources.names.resultsStream, { last_by_subj: `${resources.subjects.results}.${id}` });
    return found !== null;
  }

  async #publish(resources: JetStreamResources, item: JobItem, fields: Outcome & { configuration: string; problemId: string; attempts: number }): Promise<void> {
    const id = itemId(item);
    const event = encodeJobEvent({
      result: {
        jobId: item.jobId,
        configurationIndex: item.configuration,
        problemIndex: item.problem,
        configuration: fields.configuration,
        problemId: fields.problemId,
        attempts: fields.attempts,
        ...(fields.result && { result: fields.result }),
        errorCode: fields.errorCode ?? '',
        errorMessage: fields.errorMessage ?? '',
      },
    });
    await resources.js.publish(`${resources.subjects.results}.${id}`, event, { msgID: id });
  }
}
