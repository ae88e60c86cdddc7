// When a model server call is worth another attempt, and how long to wait before it.
import { doublingDelayMs } from '../backoff.js';

/**
 * Statuses that say "not now" rather than "not this request": timeout, conflict, rate limit, and the 5xx a
 * loaded or restarting server (or the proxy in front of it) answers. 501 and 505 are not here: retrying
 * cannot fix them.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 409, 429, 500, 502, 503, 504]);

export const BACKOFF_BASE_MS = 250;
export const BACKOFF_CAP_MS = 8_000;
/**
 * Longest a server may make us wait: a server that asks for more is effectively down for this call, which
 * fails at once (waiting a capped 60 s instead would only retry into the same refusal).
 */
export const MAX_SERVER_WAIT_MS = 60_000;

/**
 * Wait before retry number `retry` (1 = the wait after the first attempt failed): exponential backoff with
 * full jitter, uniform in [0, min(cap, base·2^(retry-1))), so clients that failed together do not come back
 * together.
 */
export function backoffDelayMs(retry: number, random: () => number = Math.random): number {
  const ceiling = doublingDelayMs(retry, BACKOFF_BASE_MS, BACKOFF_CAP_MS);
  return Math.floor(random() * ceiling);
}

/**
 * The wait a reply asks for, as asked (the caller compares it with MAX_SERVER_WAIT_MS): `retry-after-ms`
 * (OpenAI's) first, then `Retry-After` as seconds or as an HTTP date. Undefined when neither is present and valid.
 */
export function serverAskedDelayMs(headers: Headers, now: number = Date.now()): number | undefined {
  const millis = headers.get('retry-after-ms')?.trim();
  if (millis && /^\d+(\.\d+)?$/.test(millis)) return Number(millis);
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Number(after) * 1000;
  // An HTTP date names its month; Date.parse alone would also take "-3" as a year.
  const date = /[a-z]/i.test(after) ? Date.parse(after) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
