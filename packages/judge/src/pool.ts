// Runs a judge batch's requests a few at a time under one signal: the first failure stops the rest, since the
// batch fails as a whole and further requests would be wasted.
import { setSignalDeadline, signalDeadline } from '@arbor/kit';

/**
 * Runs task(0) .. task(count - 1), at most `concurrency` at once, and resolves when all have; rejects with the
 * first failure (not the cancellations it caused in the tasks still running).
 */
export async function runLimited(
  count: number,
  concurrency: number,
  signal: AbortSignal,
  task: (index: number, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const batch = new AbortController();
  // Keep the call's deadline visible to the HTTP client, which will not start a retry that cannot finish.
  const deadline = signalDeadline(signal);
  if (deadline !== undefined) setSignalDeadline(batch.signal, deadline);
  const stop = () => batch.abort(signal.reason);
  if (signal.aborted) stop();
  else signal.addEventListener('abort', stop, { once: true });
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async () => {
    // A task started after an abort fails at once (the HTTP client checks the signal first), ending its worker.
    while (next < count) await task(next++, batch.signal);
  };
  try {
    const workers = Array.from({ length: Math.min(Math.max(1, concurrency), count) }, () =>
      worker().catch((err: unknown) => {
        if (!failed) {
          failed = true;
          firstError = err;
        }
        batch.abort(err);
      }),
    );
    await Promise.all(workers);
    if (failed) throw firstError;
  } finally {
    signal.removeEventListener('abort', stop);
  }
}
