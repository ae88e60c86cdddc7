// A job's record in the JetStream key-value bucket: who submitted it (a job runs as its tenant, within the
// limits that tenant had at submission), its grid, and whether it was cancelled. Replicas read it before each
// problem they take, through a short cache, so that a cancelled job's problems are dropped wherever they land.
// Keys: `<job>` the record; `tenant.<tenant digest>.<job>` an empty entry per job, so that a tenant's jobs are
// listed without reading anyone else's; `runs.<job>.<c>.<p>` how many runs of a problem started.
import type { KV } from '@nats-io/kv';
import { tenantDigest } from '../cluster/shared-trees.js';
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

function tenantKeyPrefix(tenant: string): string {
  return `tenant.${tenantDigest(tenant)}`;
}

function unavailable(err: unknown): UnavailableError {
  return new UnavailableError('the job records in JetStream cannot be reached now; retry', { cause: err });
}

export class JobRecords {
  readonly #cache = new Map<string, { record: JobRecord | undefined; at: number }>();

  constructor(private readonly kv: KV) {}

  async put(record: JobRecord): Promise<void> {
    try {
      await this.kv.put(record.id, JSON.stringify(record));
      await this.kv.put(`${tenantKeyPrefix(record.tenant)}.${record.id}`, '');
    } catch (err) {
      throw unavailable(err);
    }
    this.#cache.set(record.id, { record, at: Date.now() });
  }

  /** Takes a job back out (its queueing failed). */
  async delete(record: JobRecord): Promise<void> {
    await this.kv.delete(record.id).catch(() => undefined);
    await this.kv.delete(`${tenantKeyPrefix(record.tenant)}.${record.id}`).catch(() => undefined);
    this.#cache.delete(record.id);
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    let entry;
    try {
      entry = await this.kv.get(jobId);
    } catch (err) {
      throw unavailable(err);
    }
    const record = entry && entry.operation === 'PUT' ? (entry.json() as JobRecord) : undefined;
    // A miss is not kept: a record just written may not have reached the replica of the bucket that answered.
    if (record) this.#cache.set(jobId, { record, at: Date.now() });
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
      const prefix = tenantKeyPrefix(tenant);
      for await (const key of await this.kv.keys(`${prefix}.*`)) {
        const record = await this.get(key.slice(prefix.length + 1));
        if (record?.tenant === tenant) records.push(record);
      }
    } catch (err) {
      throw unavailable(err);
    }
    return records.sort((a, b) => b.createdUnixMs - a.createdUnixMs);
  }

  /** Runs of this job item (`<job>.<c>.<p>`) that started. */
  async runs(itemId: string): Promise<number> {
    try {
      const entry = await this.kv.get(`runs.${itemId}`);
      return entry && entry.operation === 'PUT' ? Number(entry.string()) || 0 : 0;
    } catch (err) {
      throw unavailable(err);
    }
  }

  async countRun(itemId: string, runs: number): Promise<void> {
    await this.kv.put(`runs.${itemId}`, String(runs));
  }
}
