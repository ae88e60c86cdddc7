// Finished trees in JetStream's object store, so that any orchestrator replica answers GetTree for a search
// another one ran. Written once when a search finishes (gzipped JSON of its nodes), kept for
// ARBOR_TREE_RETENTION_HOURS within ARBOR_SHARED_TREES_MB; when the store is full, newer trees stay only with
// the replica that ran them until older ones expire.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { ObjectStore } from '@nats-io/obj';
import { NODE_OVERHEAD_BYTES, type TreeNodeSnapshot, type TreeView } from '@arbor/search';
import type { Logger } from '@arbor/kit';
import { UnavailableError } from '@arbor/kit/errors';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A tenant as one token of a JetStream key or object name: a tenant's name need not be a safe one. */
export function tenantDigest(tenant: string): string {
  return createHash('sha256').update(tenant).digest('hex').slice(0, 32);
}

/** The object's name: tenants may share search ids. */
export function treeObjectName(tenant: string, searchId: string): string {
  return `${tenantDigest(tenant)}.${searchId}`;
}

/** A read-only view over nodes read back from the store, for the same paging as a live tree. */
export function snapshotView(nodes: readonly TreeNodeSnapshot[]): TreeView {
  let bytes = 0;
  for (const node of nodes) bytes += NODE_OVERHEAD_BYTES + (node.step?.text.length ?? 0) + node.answer.length;
  return {
    size: nodes.length,
    estimatedBytes: bytes,
    slice: (start, end) => nodes.slice(start, end).map((node) => ({ ...node })),
  };
}

export class SharedTrees {
  #store: ObjectStore | undefined;
  #fullWarned = false;
  /** Writes under way, by object name: a job publishes its result only once its tree can be read elsewhere. */
  readonly #writing = new Map<string, Promise<void>>();

  constructor(private readonly logger: Logger) {}

  /** Set once JetStream answers; trees finished before that stay only in this replica's memory. */
  attach(store: ObjectStore): void {
    this.#store = store;
  }

  /** Writes the tree in the background: a search's result never waits for it. */
  keep(tenant: string, searchId: string, tree: TreeView): void {
    const store = this.#store;
    if (!store) return;
    const nodes = tree.slice(0);
    const name = treeObjectName(tenant, searchId);
    const write = this.#write(store, name, nodes).finally(() => {
      if (this.#writing.get(name) === write) this.#writing.delete(name);
    });
    this.#writing.set(name, write);
  }

  /** Resolves when the tree of this search, if it is being written, is in the store (or failed to get there). */
  async written(tenant: string, searchId: string): Promise<void> {
    await this.#writing.get(treeObjectName(tenant, searchId));
  }

  async #write(store: ObjectStore, name: string, nodes: TreeNodeSnapshot[]): Promise<void> {
    try {
      const data = await gzipAsync(JSON.stringify(nodes));
      await store.putBlob({ name }, data);
      this.#fullWarned = false;
    } catch (err) {
      // The search id alone is logged: an object name carries nothing of the problem, but the tenant digest is noise.
      if (!this.#fullWarned) this.logger.warn({ err, searchId: name.slice(33) }, 'could not keep a finished tree in JetStream (store full or unavailable); it stays with this replica only');
      this.#fullWarned = true;
    }
  }

  /** The tree of a finished search of `tenant`, or undefined when none is kept (or JetStream is not attached). */
  async get(tenant: string, searchId: string): Promise<TreeView | undefined> {
    const store = this.#store;
    if (!store) return undefined;
    try {
      const data = await store.getBlob(treeObjectName(tenant, searchId));
      if (!data) return undefined;
      const nodes = JSON.parse((await gunzipAsync(data)).toString('utf8')) as TreeNodeSnapshot[];
      return snapshotView(nodes);
    } catch (err) {
      throw new UnavailableError('the finished trees kept in JetStream cannot be read now; retry', { cause: err });
    }
  }

  /** Whether a finished tree of this search is kept, without reading it. */
  async has(tenant: string, searchId: string): Promise<boolean> {
    const store = this.#store;
    if (!store) return false;
    try {
      return (await store.info(treeObjectName(tenant, searchId))) !== null;
    } catch (err) {
      throw new UnavailableError('the finished trees kept in JetStream cannot be read now; retry', { cause: err });
    }
  }
}
