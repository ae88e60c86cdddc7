// Bounded retries with full-jitter backoff, never past the search deadline.
import { sleep } from '@arbor/kit';
import { DeadlineExceededError, isArborError, RETRYABLE_KINDS } from '@arbor/kit/errors';

export interface RetryPolicy {
  /** Attempts in all, including the first (at most 3 per model call by default). */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2_000 };

/** Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^attempt)). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, runs out of attempts, or the next try
 * could not start before `deadline`. Returns the result and how many attempts it took.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  deadline: number,
  signal: AbortSignal,
  attempt: (attemptIndex: number) => Promise<T>,
): Promise<{ result: T; attempts: number }> {
  for (let index = 0; ; index++) {
    try {
      return { result: await attempt(index), attempts: index + 1 };
    } catch (err) {
      const retryable = isArborError(err) && RETRYABLE_KINDS.has(err.kind);
      if (!retryable || signal.aborted || index + 1 >= policy.maxAttempts) throw err;
      const delay = backoffDelay(policy, index);
      if (Date.now() + delay >= deadline) {
        throw new DeadlineExceededError('search deadline leaves no time to retry the model call', { cause: err });
      }
      await sleep(delay, signal);
    }
  }
}
