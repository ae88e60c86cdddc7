// A job's record in the JetStream key-value bucket: who submitted it (a job runs as its tenant, within the
// limits that tenant had at submission), its grid, and whether it was cancelled. Replicas read it before each
// problem they take, through a short cache, so that a cancelled job's problems are dropped wherever they land.
import type { KV } from '@nats-io/kv';
import type { TenantLimits, Principal } from '@arbor/kit/auth';
import { NotFoundError, UnavailableError } from '@arbor/kit/errors';

export interface JobRecord {
  id: string;
  name: string;
  tenant: string;
  via: Principal['via'];
  limits: TenantLimits;
  configurations: string[];
  problems: number;
  createdUnixMs: number;
  /** 0 unless cancelled. */
  cancelledUnixMs: number;
}

/** How long a replica trusts what it read of a job: a cancellation reaches running searches by broadcast anyway. */
const CACHE_MS = 1_000;

function unavailable(err: unknown): UnavailableError {
  return new UnavailableError('the job records in JetStream cannot be reached now; retry', { cause: err });
}

export class JobRecords {
  readonly #cache = new Map<string, { record: JobRecord | undefined; at: number }>();

  constructor(private readonly kv: KV) {}

  async put(record: JobRecord): Promise<void> {
    try {
      await this.kv.put(record.id, JSON.stringify(record));
    } catch (err) {
      throw unavailable(err);
    }
    this.#cache.set(record.id, { record, at: Date.now() });
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    let entry;
    try {
      entry = await this.kv.get(jobId);
    } catch (err) {
      throw unavailable(err);
    }
    const record = entry && entry.operation === 'PUT' ? (entry.json() as JobRecord) : undefined;
    this.#cache.set(jobId, { record, at: Date.now() });
    return record;
  }

  /** As get(), but may answer from what this replica read within the last second. */
  async recent(jobId: string): Promise<JobRecord | undefined> {
    const cached = this.#cache.get(jobId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.record;
    if (this.#cache.size > 10_000) this.#cache.clear();
    return this.get(jobId);
  }

  /** The job if it is `tenant`'s; another tenant's job is NOT_FOUND, as one that never existed. */
  async owned(tenant: string, jobId: string): Promise<JobRecord> {
    const record = await this.get(jobId);
    if (!record || record.tenant !== tenant) throw new NotFoundError('job_id: no job with this id (jobs are kept for ARBOR_JOB_RETENTION_HOURS)');
    return record;
  }

  /** Every job of `tenant`, newest first. */
  async list(tenant: string): Promise<JobRecord[]> {
    const records: JobRecord[] = [];
    try {
      for await (const key of await this.kv.keys()) {
        const record = await this.get(key);
        if (record?.tenant === tenant) records.push(record);
      }
    } catch (err) {
      throw unavailable(err);
    }
    return records.sort((a, b) => b.createdUnixMs - a.createdUnixMs);
  }
}
