// Tenants and what each may do. A tenant is whoever owns searches: its searches are visible to it alone, and
// its limits bound what it can take of a shared server.
import { z } from '../config.js';

/** Limits of one tenant; an absent limit is no limit beyond the server's own. */
export interface TenantLimits {
  /** Searches running or waiting for a slot at once. */
  maxConcurrentSearches?: number;
  /** Searches started per minute (a bucket of this size, refilled evenly over the minute). */
  searchesPerMinute?: number;
  /** The largest `budget.max_tokens` a search may ask for; a search that sets none gets this one. */
  maxTokens?: number;
  /** The largest `budget.max_cost_usd` a search may ask for; a search that sets none gets this one. */
  maxCostUsd?: number;
}

/** Who made a call, as far as the server could tell. Never holds the credential itself. */
export interface Principal {
  tenant: string;
  /** How the tenant was established; 'none' when the server asks for no credentials. */
  via: 'token' | 'jwt' | 'certificate' | 'none';
  limits: TenantLimits;
}

/** Tenant names: short and plain, since they go into metrics labels, logs and span attributes. */
export const TENANT_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The tenant of every call on a server that asks for no credentials. */
export const ANONYMOUS_TENANT = 'default';

/** Who every call is on a server that asks for no credentials: the anonymous tenant, unlimited. */
export const ANONYMOUS_PRINCIPAL: Readonly<Principal> = Object.freeze({ tenant: ANONYMOUS_TENANT, via: 'none', limits: Object.freeze({}) });

export const tenantLimitsSchema = z
  .object({
    maxConcurrentSearches: z.number().int().positive().optional(),
    searchesPerMinute: z.number().positive().optional(),
    maxTokens: z.number().int().positive().max(4_294_967_295).optional(),
    maxCostUsd: z.number().positive().optional(),
  })
  .strict();

/** The limits of `tenant`: its own over the defaults, limit by limit. */
export function limitsOf(own: TenantLimits | undefined, defaults: TenantLimits | undefined): TenantLimits {
  return { ...defaults, ...own };
}
