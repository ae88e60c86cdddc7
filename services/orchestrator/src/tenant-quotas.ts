// Per-tenant limits on searches: how many one tenant has running or waiting at once, and how many it starts per
// minute (a bucket that holds a minute's worth and refills evenly). Over either, the search is refused at once
// with RESOURCE_EXHAUSTED naming the limit; one tenant cannot fill the admission queue the others share.
import { ResourceExhaustedError } from '@arbor/kit/errors';
import type { Principal } from '@arbor/kit/auth';

interface Bucket {
  tokens: number;
  /** performance.now() of the last refill. */
  at: number;
}

/** Buckets kept before full ones (tenants idle for a minute) are forgotten. */
const PRUNE_ABOVE = 1_000;

export class TenantQuotas {
  readonly #active = new Map<string, number>();
  readonly #buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Searches of `tenant` running or waiting now. */
  active(tenant: string): number {
    return this.#active.get(tenant) ?? 0;
  }

  /** Takes a place for one search of `principal`, or throws; call the returned function when the search ends. */
  enter(principal: Principal): () => void {
    const { tenant, limits } = principal;
    const active = this.active(tenant);
    if (limits.maxConcurrentSearches !== undefined && active >= limits.maxConcurrentSearches) {
      throw new ResourceExhaustedError(
        `tenant limit maxConcurrentSearches: ${active} searches of this tenant running or waiting, at most ${limits.maxConcurrentSearches}; retry when one ends`,
      );
    }
    if (limits.searchesPerMinute !== undefined) this.#take(tenant, limits.searchesPerMinute);
    this.#active.set(tenant, active + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = this.active(tenant) - 1;
      if (left > 0) this.#active.set(tenant, left);
      else this.#active.delete(tenant);
    };
  }

  #take(tenant: string, perMinute: number): void {
    const now = this.now();
    const bucket = this.#buckets.get(tenant) ?? { tokens: perMinute, at: now };
    bucket.tokens = Math.min(perMinute, bucket.tokens + ((now - bucket.at) * perMinute) / 60_000);
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.#buckets.set(tenant, bucket);
      const waitS = Math.ceil(((1 - bucket.tokens) * 60) / perMinute);
      throw new ResourceExhaustedError(`tenant limit searchesPerMinute: at most ${perMinute} searches a minute; retry in ${waitS} s`);
    }
    bucket.tokens -= 1;
    this.#buckets.set(tenant, bucket);
    if (this.#buckets.size > PRUNE_ABOVE) this.#prune(now);
  }

  #prune(now: number): void {
    for (const [tenant, bucket] of this.#buckets) if (now - bucket.at > 60_000) this.#buckets.delete(tenant);
  }
}
