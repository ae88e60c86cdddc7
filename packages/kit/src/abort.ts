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

/**
 * `promise`, or a rejection as soon as `signal` aborts, whichever comes first: one caller stops waiting on shared
 * work (a detection, a check several calls wait for) while the work goes on for the others.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, message: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal, message));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal, message));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
