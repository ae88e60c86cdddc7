// What an aborted AbortSignal means as an ArborError, so every kit helper reports a caller going away alike.
import { ArborError, CancelledError, DeadlineExceededError } from './errors.js';

/**
 * The error to reject with once `signal` has aborted: its reason when that is already an ArborError (a
 * responder aborts with DeadlineExceededError when a call's deadline passes), DeadlineExceededError for
 * AbortSignal.timeout()'s TimeoutError, else CancelledError with `message`.
 */
export function abortError(signal: AbortSignal, message: string): ArborError {
  const reason: unknown = signal.reason;
  if (reason instanceof ArborError) return reason;
  if (typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError') {
    return new DeadlineExceededError(`${message}: deadline passed`, { cause: reason });
  }
  return new CancelledError(message, { cause: reason });
}
