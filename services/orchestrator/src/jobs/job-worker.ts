// One replica's share of the job queue. It pulls from the shared durable consumer only as many problems as it
// has free search slots, tells JetStream every third of the ack wait that each is still running, publishes each
// result (de-duplicated by its item id) before acknowledging the work message, and so:
// - a replica that dies mid-search stops reporting; after the ack wait its problems go to another replica;
// - a replica that dies between publishing and acknowledging leaves a redelivery whose result is already in:
//   the next replica finds it by subject and only acknowledges;
// - a replica that is shutting down hands back (nak) what it could not finish, rather than publishing the
//   early answer a shutdown leaves.
import { JetStreamApiError, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { JobResult } from '@arbor/contracts';
import { isArborError, type ErrorKind } from '@arbor/kit/errors';
import { doublingDelayMs, type Logger } from '@arbor/kit';
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
/** A problem handed back waits 1 s, then twice as long each time, up to 30 s. */
function retryDelayMs(deliveries: number): number {
  return doublingDelayMs(deliveries, 1_000, 30_000);
}

/** JetStream's answer to a publish whose subject already holds a message (expect lastSubjectSequence 0). */
const WRONG_LAST_SEQUENCE = 10071;

/**
 * Acks, naks, terms and progress reports are publishes, which throw once NATS is closing; a report that cannot
 * go out is not sent, and the message comes back after the ack wait.
 */
function settle(send: () => void): void {
  try {
    send();
  } catch {
    // Nothing to do: see above.
  }
}

/** How long one pull waits for work when the queue is empty. */
const FETCH_EXPIRES_MS = 1_000;

interface ActiveItem {
  jobId: string;
  controller: AbortController;
}

type Outcome = Pick<JobResult, 'result' | 'errorCode' | 'errorMessage'>;

export class JobWorker {
  readonly #active = new Map<string, ActiveItem>();
  /** Every #handle under way, so that stop() can wait for them. */
  readonly #handling = new Set<Promise<void>>();
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

  /**
   * Takes no more work, and resolves once the problems under way are settled: finished and published, or handed
   * back (the runner's drain ends their searches). Cancellations reach them until then.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#loop;
    await Promise.allSettled([...this.#handling]);
    this.#subscription?.unsubscribe();
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
        for await (const msg of batch) {
          const handling = this.#handle(msg, resources, records);
          this.#handling.add(handling);
          void handling.finally(() => this.#handling.delete(handling));
        }
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
    const id = item ? itemId(item) : '';
    // Delivered again while this replica still runs it (its reports were late): the running search answers it.
    if (!item || this.#active.has(id)) {
      if (!item) settle(() => msg.term('not a job item'));
      return;
    }
    const active: ActiveItem = { jobId: item.jobId, controller: new AbortController() };
    this.#active.set(id, active);
    // A report that cannot go out (NATS closing) is simply not sent: the problem then comes back after the ack wait.
    const heartbeat = setInterval(() => settle(() => msg.working()), Math.max(250, Math.floor(this.options.ackWaitMs / 3)));
    heartbeat.unref();
    const { logger, runner, maxAttempts } = this.options;
    const deliveries = msg.info.deliveryCount;
    try {
      const record = await records.recent(item.jobId);
      // Not visible yet (a follower of the bucket behind its leader) or expired, in which case the work message
      // expires too: either way, not this problem's answer.
      if (!record) return settle(() => msg.nak(retryDelayMs(deliveries)));
      if (record.cancelledUnixMs > 0) return settle(() => msg.term('job cancelled'));
      if (deliveries > 1 && (await this.#hasResult(resources, id))) return settle(() => msg.ack());
      const request = decodeWork(msg.data);
      const labels = { configuration: record.configurations[item.configuration] ?? '', problemId: request.problem?.id ?? '' };
      // Runs that started (admitted, not refused for want of a slot): what ARBOR_JOB_MAX_ATTEMPTS bounds.
      const runs = await records.runs(id);
      let outcome: Outcome;
      if (runs >= maxAttempts) {
        outcome = { errorCode: 'ABORTED', errorMessage: `started ${runs} times without an answer (ARBOR_JOB_MAX_ATTEMPTS=${maxAttempts})` };
      } else {
        try {
          const result = await runner.search(request, {
            principal: { tenant: record.tenant, via: record.via, limits: record.limits },
            signal: active.controller.signal,
            replaceFinished: true,
            onStarted: () => void records.countRun(id, runs + 1).catch((err: unknown) => logger.warn({ err, searchId: id }, 'could not count a job run')),
          });
          if (active.controller.signal.aborted) return settle(() => msg.term('job cancelled'));
          // Cut short by this replica's shutdown: run again in full elsewhere rather than publish an early answer.
          if (result.stopReason === 'STOP_REASON_SHUTDOWN' || (this.#stopped && result.stopReason === 'STOP_REASON_CANCELLED')) return settle(() => msg.nak());
          await this.options.sharedTrees?.written(record.tenant, id);
          outcome = { result };
        } catch (err) {
          if (active.controller.signal.aborted) return settle(() => msg.term('job cancelled'));
          // A full replica, a tenant at its limit, a replica going away, a model outage: later, maybe elsewhere.
          // Only runs that started count towards the limit of attempts.
          if (isArborError(err) && RETRIED_KINDS.has(err.kind)) return settle(() => msg.nak(this.#stopped ? 0 : retryDelayMs(deliveries)));
          outcome = isArborError(err) ? { errorCode: err.kind.toUpperCase(), errorMessage: err.message } : { errorCode: 'INTERNAL', errorMessage: 'the search failed' };
          logger.warn({ jobId: item.jobId, searchId: id, code: outcome.errorCode }, 'job problem failed; its result records the failure');
        }
      }
      // Cancelled while it ran (a broadcast can miss a replica): a cancelled job gets no more results.
      if ((await records.get(item.jobId))?.cancelledUnixMs) return settle(() => msg.term('job cancelled'));
      await this.#publish(resources, item, { ...labels, attempts: runs + 1, ...outcome });
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
    try {
      // Only if no result is there yet: the de-duplication id covers a re-sent publish, this covers a slow replica
      // that finishes after another one answered the same problem.
      await resources.js.publish(`${resources.subjects.results}.${id}`, event, { msgID: id, expect: { lastSubjectSequence: 0 } });
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.code === WRONG_LAST_SEQUENCE)) throw err;
    }
  }
}
